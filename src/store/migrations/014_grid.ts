import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/**
 * Who handles what (issue 18): grid workers and building heads per building, the weekly duty
 * rota and its hand-overs, partner units and their frontage, hand-ups followed to an answer.
 * - reports gets its first responder (a grid worker or a unit contact, privately), when the card
 *   falls back to the committee group if nobody acknowledged it, and the escalation ladder's rung.
 * - invites gets what an invitation grants besides a role (`grid:worker:<building>`, `unit:<id>`).
 * - help_requests gets the same first responder and fallback (a grid worker only: a partner unit
 *   never sees a vulnerable resident's details).
 * - users gets the community head's flag (a staff member the ladder's third rung reaches).
 */
export const grid: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);
    await db.schema
      .createTable('grid_roles')
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('building_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull()) // worker | head
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('grid_roles_pk', ['community_id', 'building_id', 'kind'])
      .execute();
    await db.schema.createIndex('grid_roles_user').on('grid_roles').column('user_id').execute();

    await db.schema.alterTable('invites').addColumn('grants', 'text').execute();
    await db.schema
      .alterTable('users')
      .addColumn('community_head', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema.alterTable('reports').addColumn('responder_id', 'bigint').execute();
    for (const column of ['group_due_at', 'grouped_at', 'ladder_at'])
      await db.schema.alterTable('reports').addColumn(column, 'bigint').execute();
    await db.schema.alterTable('reports').addColumn('ladder_kind', 'text').execute();
    await db.schema
      .alterTable('reports')
      .addColumn('ladder_step', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('reports_group_due').on('reports').column('group_due_at').execute();
    // A help request of a building with a grid worker waits for their approval first, the same way.
    await db.schema.alterTable('help_requests').addColumn('responder_id', 'bigint').execute();
    await db.schema.alterTable('help_requests').addColumn('group_due_at', 'bigint').execute();

    await db.schema
      .createTable('duty_slots')
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('weekday', 'integer', (c) => c.notNull()) // 1 Monday … 7 Sunday
      .addColumn('period', 'text', (c) => c.notNull()) // day | night
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('duty_slots_pk', ['community_id', 'weekday', 'period'])
      .execute();
    await withId(db.schema.createTable('duty_handovers'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('weekday', 'integer', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('from_id', 'bigint', (c) => c.notNull())
      .addColumn('to_id', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // pending | accepted | declined
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .execute();

    await withId(db.schema.createTable('partner_units'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'bigint')
      .addColumn('created_by', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('unit_frontage')
      .addColumn('unit_id', 'bigint', (c) => c.notNull())
      .addColumn('building_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('unit_frontage_pk', ['unit_id', 'building_id'])
      .execute();

    await db.schema
      .createTable('hand_ups')
      .addColumn('report_id', 'bigint', (c) => c.primaryKey())
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('handed_to', 'text', (c) => c.notNull())
      .addColumn('handed_at', 'bigint', (c) => c.notNull())
      .addColumn('first_expected_at', 'bigint', (c) => c.notNull())
      .addColumn('expected_at', 'bigint', (c) => c.notNull())
      .addColumn('reminded_at', 'bigint')
      .addColumn('answer', 'text') // fixed | refused | pending (the last one recorded)
      .addColumn('answer_note', 'text')
      .addColumn('answered_at', 'bigint') // set by fixed or refused: the hand-up is settled
      .execute();
    await db.schema.createIndex('hand_ups_due').on('hand_ups').columns(['answered_at', 'expected_at']).execute();
  },
};
