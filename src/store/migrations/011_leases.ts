import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** Named leases one instance holds while alive (e.g. the right to poll Telegram for this bot). */
export const leases: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint', (c) => c.notNull())
      .execute();
  },
};
