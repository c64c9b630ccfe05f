import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/** Scheduled job runs, and the summary's files waiting to be uploaded. */
export const jobs: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);
    await withId(db.schema.createTable('job_runs'), pg)
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('period_key', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    // A period is claimed by inserting its row: a second process (or a restart) finds it taken.
    await db.schema.createIndex('job_runs_period').on('job_runs').columns(['job', 'period_key']).unique().execute();

    await withId(db.schema.createTable('summary_files'), pg)
      .addColumn('chat_id', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('caption', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('bytes', pg ? 'bytea' : 'blob')
      .addColumn('after_ref', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('summary_files_status').on('summary_files').columns(['status', 'id']).execute();
  },
};
