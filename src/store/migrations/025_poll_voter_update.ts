import type { Migration } from 'kysely';

/**
 * poll_voters.last_update_id: the update whose press last wrote the ballot. The same press handled
 * again after a crash (update-claims.ts) finds its own write done and gives the voter their
 * receipt again instead of a refusal (domain/polls.ts castVote). It names no choice: see there.
 */
export const pollVoterUpdate: Migration = {
  async up(db) {
    await db.schema.alterTable('poll_voters').addColumn('last_update_id', 'bigint').execute();
  },
};
