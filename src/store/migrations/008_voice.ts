import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/**
 * Voice notes: older residents often speak rather than type. A voice message given as a report's
 * or a help request's description is kept by its Telegram file_id and length; the description
 * column stays NOT NULL and holds '' then (the views show "🎤 voice note (0:12)" in its place).
 * A report's notes are rows (report_events), so a voice note there is a row with its voice; a
 * help request's notes are one text column, so its voice notes get rows of their own.
 */
export const voice: Migration = {
  async up(db: AnyDb) {
    for (const table of ['reports', 'help_requests', 'report_events']) {
      await db.schema.alterTable(table).addColumn('voice_file_id', 'text').execute();
      await db.schema.alterTable(table).addColumn('voice_seconds', 'integer').execute();
    }
    await withId(db.schema.createTable('help_voice_notes'), isPostgresDb(db))
      .addColumn('request_id', 'bigint', (c) => c.notNull())
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('seconds', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('help_voice_notes_request').on('help_voice_notes').columns(['request_id', 'id']).execute();
  },
};
