import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/** Users, roles, invites, linked group chats, the audit log and processed updates. */
export const core: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);
    await db.schema
      .createTable('users')
      .addColumn('id', 'bigint', (c) => c.primaryKey()) // the Telegram user id
      .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('username', 'text')
      .addColumn('locale', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('resident'))
      .addColumn('community_id', 'text')
      .addColumn('building_id', 'text')
      .addColumn('unit', 'text')
      .addColumn('phone', 'text')
      .addColumn('privacy_accepted_at', 'bigint')
      .addColumn('reachable', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_community').on('users').columns(['community_id', 'building_id']).execute();

    await db.schema
      .createTable('invites')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('created_by', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_by', 'bigint')
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('chat_links')
      .addColumn('chat_id', 'bigint', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull()) // committee | team
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull().defaultTo('')) // '' for the committee
      .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('linked_by', 'bigint', (c) => c.notNull())
      .addColumn('linked_at', 'bigint', (c) => c.notNull())
      .execute();
    // One committee group per community and one group per team.
    await db.schema.createIndex('chat_links_target').on('chat_links').columns(['community_id', 'kind', 'team_id']).unique().execute();

    await withId(db.schema.createTable('audit_log'), pg)
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'bigint')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject', 'at']).execute();

    // Every message that is not a direct reply: written in the same transaction as the change
    // that causes it, delivered by src/delivery/sender.ts.
    await withId(db.schema.createTable('outbox'), pg)
      .addColumn('chat_id', 'bigint', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('broadcast_id', 'bigint')
      .addColumn('ref', 'text')
      .addColumn('message_id', 'bigint')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'priority', 'not_before', 'id']).execute();
    await db.schema.createIndex('outbox_ref').on('outbox').column('ref').execute();
    await db.schema.createIndex('outbox_broadcast').on('outbox').columns(['broadcast_id', 'status']).execute();

    // Webhook retries and restarts may deliver an update twice; it is handled once.
    await db.schema
      .createTable('processed_updates')
      .addColumn('update_id', 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
