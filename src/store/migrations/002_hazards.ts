import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/** Hazard reports, their photos, every status change, and who follows each report. */
export const hazards: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);
    await withId(db.schema.createTable('reports'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('emergency', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('new'))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('building_id', 'text')
      .addColumn('spot', 'text')
      .addColumn('latitude', 'double precision')
      .addColumn('longitude', 'double precision')
      .addColumn('reporter_id', 'bigint')
      .addColumn('owner_id', 'bigint')
      .addColumn('team_id', 'text')
      .addColumn('handed_to', 'text')
      .addColumn('handed_ref', 'text')
      .addColumn('reject_reason', 'text')
      .addColumn('duplicate_of', 'bigint')
      .addColumn('fix_note', 'text')
      .addColumn('fix_answer', 'text')
      .addColumn('rating', 'integer')
      .addColumn('rating_comment', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('fixed_at', 'bigint')
      .addColumn('closed_at', 'bigint')
      .addColumn('ack_overdue_at', 'bigint')
      .addColumn('fix_overdue_at', 'bigint')
      .addColumn('page_due_at', 'bigint')
      .addColumn('page_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('reports_queue').on('reports').columns(['community_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('reports_reporter').on('reports').column('reporter_id').execute();
    await db.schema.createIndex('reports_pages').on('reports').column('page_due_at').execute();

    await withId(db.schema.createTable('report_photos'), pg)
      .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id'))
      .addColumn('file_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('report'))
      .addColumn('added_by', 'bigint')
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('report_photos_report').on('report_photos').column('report_id').execute();

    await withId(db.schema.createTable('report_events'), pg)
      .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id'))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'bigint')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('report_events_report').on('report_events').columns(['report_id', 'at']).execute();

    await db.schema
      .createTable('report_followers')
      .addColumn('report_id', 'bigint', (c) => c.notNull().references('reports.id'))
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('report_followers_pk', ['report_id', 'user_id'])
      .execute();
    await db.schema.createIndex('report_followers_user').on('report_followers').column('user_id').execute();
  },
};
