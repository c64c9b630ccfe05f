import type { Migration } from 'kysely';

/**
 * broadcasts.update_id: the update that started the broadcast (FlowContext.updateId), unique, so an
 * update handled again after a crash finds its broadcast instead of sending the notice twice.
 */
export const broadcastUpdate: Migration = {
  async up(db) {
    await db.schema.alterTable('broadcasts').addColumn('update_id', 'bigint').execute();
    await db.schema.createIndex('broadcasts_update').on('broadcasts').column('update_id').unique().execute();
  },
};
