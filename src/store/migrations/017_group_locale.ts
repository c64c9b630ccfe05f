import type { Migration } from 'kysely';

/**
 * Each linked group writes in its own language (chat_links.locale, chosen when the group is linked
 * and changed with /lang in the group); NULL, as for groups linked before, means DEFAULT_LOCALE.
 */
export const groupLocale: Migration = {
  async up(db) {
    await db.schema.alterTable('chat_links').addColumn('locale', 'text').execute();
  },
};
