import type { Migration } from 'kysely';
import { isPostgresDb, withId } from './util';

/**
 * Asking the committee, the FAQ, service points edited in chat, and the service hall's bookings.
 * - questions: one per /ask; status open (waiting for staff) → answered → open again on a
 *   follow-up → closed when the resident says it answers it. waiting_since restarts the SLA on a
 *   follow-up; overdue_at is set once per wait by a guarded UPDATE (the group hears once).
 * - question_messages: the thread (the question, staff answers, follow-ups).
 * - faq_entries: question and answer per language as JSON objects keyed by locale.
 * - service_point_overrides: hours and phone staff changed in chat, over the config's.
 * - bookings: a place in a slot; `seat` (1…capacity) is unique per slot while the booking
 *   stands, so two residents taking the last place get one outcome; a cancellation sets it NULL.
 */
export const ask: Migration = {
  async up(db) {
    const pg = isPostgresDb(db);
    await withId(db.schema.createTable('questions'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('building_id', 'text', (c) => c.notNull())
      .addColumn('asker_id', 'bigint')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('waiting_since', 'bigint', (c) => c.notNull())
      .addColumn('first_answered_at', 'bigint')
      .addColumn('answered_at', 'bigint')
      .addColumn('answered_by', 'bigint')
      .addColumn('overdue_at', 'bigint')
      .addColumn('resolved_at', 'bigint')
      .addColumn('rounds', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('questions_status').on('questions').columns(['status', 'waiting_since']).execute();
    await withId(db.schema.createTable('question_messages'), pg)
      .addColumn('question_id', 'bigint', (c) => c.notNull())
      .addColumn('author_id', 'bigint')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('question_messages_question').on('question_messages').column('question_id').execute();
    await withId(db.schema.createTable('faq_entries'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('questions', 'text', (c) => c.notNull())
      .addColumn('answers', 'text', (c) => c.notNull())
      .addColumn('source_question_id', 'bigint')
      .addColumn('created_by', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('service_point_overrides')
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('point_id', 'text', (c) => c.notNull())
      .addColumn('hours', 'text')
      .addColumn('phone', 'text')
      .addColumn('updated_by', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_point_overrides_pk', ['community_id', 'point_id'])
      .execute();
    await withId(db.schema.createTable('bookings'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint')
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('seat', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('cancelled_at', 'bigint')
      .addColumn('marked_at', 'bigint')
      .addColumn('day_reminded_at', 'bigint')
      .addColumn('hour_reminded_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('bookings_seat')
      .on('bookings')
      .columns(['community_id', 'service_id', 'starts_at', 'seat'])
      .unique()
      .execute();
    await db.schema.createIndex('bookings_start').on('bookings').columns(['status', 'starts_at']).execute();
  },
};
