import type { Migration } from 'kysely';

/**
 * poll_voters.changes: how many times a voter has changed their ballot. An anonymous poll keeps
 * no link to the choice; the voter's own message carries a signed receipt of it instead, and the
 * count is signed with it, so a receipt older than the last change is refused (domain/poll-receipts.ts).
 */
export const pollReceipts: Migration = {
  async up(db) {
    await db.schema
      .alterTable('poll_voters')
      .addColumn('changes', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
