import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** The Mini App menu button set in each staff member's private chat, so it is set (and taken back) once. */
export const dashboardMenus: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('dashboard_menus')
      .addColumn('user_id', 'bigint', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('set_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
