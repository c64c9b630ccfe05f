import type { Migration } from 'kysely';

/**
 * Staff approve a help request before it reaches a team group: who decided and when, why a
 * request was declined, and when staff were reminded of one still waiting.
 */
export const helpApproval: Migration = {
  async up(db) {
    await db.schema.alterTable('help_requests').addColumn('decided_by', 'bigint').execute();
    await db.schema.alterTable('help_requests').addColumn('decided_at', 'bigint').execute();
    await db.schema.alterTable('help_requests').addColumn('decline_reason', 'text').execute();
    await db.schema.alterTable('help_requests').addColumn('approval_reminded_at', 'bigint').execute();
    // The approval reminder job looks for requests waiting since before some time.
    await db.schema.createIndex('help_requests_waiting').on('help_requests').columns(['status', 'created_at']).execute();
  },
};
