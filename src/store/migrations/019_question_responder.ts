import type { Migration } from 'kysely';

/**
 * Questions go first to the building's grid worker, as reports do (issue 18): responder_id is who
 * has the card privately, group_due_at when it goes to the committee group unanswered (null once
 * it went, or when there is no grid worker).
 */
export const questionResponder: Migration = {
  async up(db) {
    await db.schema.alterTable('questions').addColumn('responder_id', 'bigint').execute();
    await db.schema.alterTable('questions').addColumn('group_due_at', 'bigint').execute();
  },
};
