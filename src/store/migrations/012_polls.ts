import type { Migration } from 'kysely';
import { isPostgresDb, withId, type AnyDb } from './util';

/**
 * Resident votes (居民议事, multi-round 评选). Who voted and what was chosen are kept apart:
 * poll_voters says only that a voter (a person, or a household: building + unit) voted;
 * poll_tallies holds the counts per option with no voter; poll_choices (named polls only)
 * links a voter to their options. An anonymous poll writes no poll_choices row at all.
 */
export const polls: Migration = {
  async up(db: AnyDb) {
    const pg = isPostgresDb(db);
    await withId(db.schema.createTable('polls'), pg)
      .addColumn('community_id', 'text', (c) => c.notNull())
      .addColumn('question', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('multiple', 'integer', (c) => c.notNull())
      .addColumn('anonymous', 'integer', (c) => c.notNull())
      .addColumn('per_household', 'integer', (c) => c.notNull())
      .addColumn('results_after_vote', 'integer', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'bigint')
      .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('previous_id', 'bigint')
      .addColumn('keep_top', 'integer')
      .addColumn('voters', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('closes_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('reminded_at', 'bigint')
      .addColumn('closed_at', 'bigint')
      .execute();
    await db.schema.createIndex('polls_open').on('polls').columns(['status', 'closes_at']).execute();

    await db.schema
      .createTable('poll_voters')
      .addColumn('poll_id', 'bigint', (c) => c.notNull())
      .addColumn('voter_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint')
      .addColumn('building_id', 'text')
      .addColumn('voted_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('poll_voters_pk', ['poll_id', 'voter_key'])
      .execute();
    await db.schema.createIndex('poll_voters_user').on('poll_voters').columns(['user_id']).execute();

    await db.schema
      .createTable('poll_tallies')
      .addColumn('poll_id', 'bigint', (c) => c.notNull())
      .addColumn('option', 'integer', (c) => c.notNull())
      .addColumn('votes', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('poll_tallies_pk', ['poll_id', 'option'])
      .execute();

    await db.schema
      .createTable('poll_choices')
      .addColumn('poll_id', 'bigint', (c) => c.notNull())
      .addColumn('voter_key', 'text', (c) => c.notNull())
      .addColumn('option', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('poll_choices_pk', ['poll_id', 'voter_key', 'option'])
      .execute();
  },
};
