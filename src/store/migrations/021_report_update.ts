import type { Migration } from 'kysely';

/**
 * reports.update_id: the update whose Submit press filed the report, unique, so the same press
 * handled again after a crash finds its report instead of filing it twice (as 020 for broadcasts).
 */
export const reportUpdate: Migration = {
  async up(db) {
    await db.schema.alterTable('reports').addColumn('update_id', 'bigint').execute();
    await db.schema.createIndex('reports_update').on('reports').column('update_id').unique().execute();
  },
};
