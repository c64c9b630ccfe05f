import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/**
 * The command menu last set for a person's private chat (role, language and a digest of the
 * commands), so it is set again only when one of those changes. NULL: never set for them.
 */
export const commandMenus: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('users').addColumn('command_menu', 'text').execute();
  },
};
