import type { Migration } from 'kysely';

/**
 * help_requests.update_id and questions.update_id: the update whose press filed it, unique, so the
 * same press handled again after a crash finds what it filed instead of filing it twice (as 021
 * for reports).
 */
export const requestQuestionUpdate: Migration = {
  async up(db) {
    for (const table of ['help_requests', 'questions']) {
      await db.schema.alterTable(table).addColumn('update_id', 'bigint').execute();
      await db.schema.createIndex(`${table}_update`).on(table).column('update_id').unique().execute();
    }
  },
};
