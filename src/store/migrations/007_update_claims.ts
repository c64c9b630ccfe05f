import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/**
 * An update is claimed by one process instance and marked finished when handled, so an update
 * cut short by a crash is handled again when Telegram redelivers it (see src/bot/middleware/update-claims.ts).
 */
export const updateClaims: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('processed_updates')
      .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('processed_updates')
      .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('processed_updates').addColumn('finished_at', 'bigint').execute();
    // Earlier rows were written before handling and never marked: count them as handled, as the old rule did.
    await db
      .updateTable('processed_updates')
      .set((eb) => ({ finished_at: eb.ref('at') }))
      .execute();
  },
};
