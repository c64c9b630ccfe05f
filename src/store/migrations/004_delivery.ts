import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/** The outbox lease, broadcasts, topic subscriptions, events and RSVPs. */
export const delivery: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);

    // A sender leases the rows it is about to send, so two senders never send one row and a
    // crashed sender's rows come back when the lease runs out.
    await db.schema.alterTable('outbox').addColumn('lease_until', 'bigint').execute();
    await db.schema.alterTable('outbox').addColumn('lease_owner', 'text').execute();

    await withId(db.schema.createTable('broadcasts'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('event_id', 'bigint')
      .addColumn('created_by', 'bigint', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('photo', 'text')
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('sending'))
      .addColumn('progress_text', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('broadcasts_open').on('broadcasts').columns(['finished_at']).execute();

    await db.schema
      .createTable('subscriptions')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('subscribed', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('subscriptions_pk', ['user_id', 'topic'])
      .execute();

    await withId(db.schema.createTable('events'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('capacity', 'integer')
      .addColumn('rsvp_deadline', 'bigint', (c) => c.notNull())
      .addColumn('going', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('created_by', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('reminded_day_at', 'bigint')
      .addColumn('reminded_soon_at', 'bigint')
      .addColumn('rating_asked_at', 'bigint')
      .execute();
    await db.schema.createIndex('events_upcoming').on('events').columns(['community_id', 'starts_at']).execute();

    await db.schema
      .createTable('rsvps')
      .addColumn('event_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('attended', 'integer')
      .addColumn('rating', 'integer')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rsvps_pk', ['event_id', 'user_id'])
      .execute();
    await db.schema.createIndex('rsvps_user').on('rsvps').columns(['user_id']).execute();
  },
};
