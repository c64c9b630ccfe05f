import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/** Help requests, volunteer teams, tasks, claims, hours and patrol shifts. */
export const help: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);

    await withId(db.schema.createTable('team_members'), pg)
      .addColumn('user_id', 'bigint')
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('member')) // member | lead
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // pending | approved | declined
      .addColumn('skills', 'text')
      .addColumn('availability', 'text')
      .addColumn('phone', 'text')
      .addColumn('agreed_to_be_named', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .addColumn('decided_by', 'bigint')
      .execute();
    // One row per person and team; a second sign-up updates it.
    await db.schema
      .createIndex('team_members_person')
      .on('team_members')
      .columns(['user_id', 'community_id', 'team_id'])
      .unique()
      .execute();
    await db.schema.createIndex('team_members_team').on('team_members').columns(['community_id', 'team_id', 'status']).execute();

    await withId(db.schema.createTable('help_requests'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('building_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('requester_id', 'bigint')
      .addColumn('on_behalf_name', 'text')
      .addColumn('on_behalf_phone', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('window_start', 'bigint')
      .addColumn('window_end', 'bigint')
      .addColumn('unit', 'text')
      .addColumn('address', 'text')
      .addColumn('phone', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('help_requests_requester').on('help_requests').columns(['requester_id', 'created_at']).execute();

    await withId(db.schema.createTable('tasks'), pg)
      .addColumn('request_id', 'bigint', (c) => c.notNull())
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('window_start', 'bigint')
      .addColumn('window_end', 'bigint')
      .addColumn('claimed_by', 'bigint')
      .addColumn('claimed_at', 'bigint')
      .addColumn('checkin_due_at', 'bigint')
      .addColumn('checkin_sent_at', 'bigint')
      .addColumn('checkin_ok_at', 'bigint')
      .addColumn('started_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .addColumn('done_note', 'text')
      .addColumn('done_photo', 'text')
      .addColumn('released_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('tasks_status').on('tasks').columns(['status', 'checkin_due_at']).execute();
    await db.schema.createIndex('tasks_request').on('tasks').columns(['request_id']).execute();
    await db.schema.createIndex('tasks_claimer').on('tasks').columns(['claimed_by', 'status']).execute();

    await withId(db.schema.createTable('task_events'), pg)
      .addColumn('task_id', 'bigint', (c) => c.notNull())
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'bigint')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('task_events_period').on('task_events').columns(['community_id', 'kind', 'at']).execute();

    await withId(db.schema.createTable('ratings'), pg)
      .addColumn('task_id', 'bigint', (c) => c.notNull().unique())
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('rater_id', 'bigint')
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('hours'), pg)
      .addColumn('volunteer_id', 'bigint')
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'bigint')
      .addColumn('shift_id', 'bigint')
      .addColumn('minutes', 'integer', (c) => c.notNull())
      .addColumn('corrected_minutes', 'integer')
      .addColumn('approved', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hours_volunteer').on('hours').columns(['volunteer_id', 'at']).execute();
    await db.schema.createIndex('hours_task').on('hours').columns(['task_id']).unique().execute();

    await withId(db.schema.createTable('recurrences'), pg)
      .addColumn('request_id', 'bigint', (c) => c.notNull().unique())
      .addColumn('every', 'text', (c) => c.notNull()) // week | month
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('shifts'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('places', 'integer', (c) => c.notNull())
      .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('shift_members')
      .addColumn('shift_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('shift_members_pk', ['shift_id', 'user_id'])
      .execute();
  },
};
