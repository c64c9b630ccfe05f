import type { Migration } from 'kysely';

/**
 * Event ratings reach staff: rsvps gets when the stars were given (rated_at, for the weekly
 * summary's list of the week's comments) and the attendee's optional comment after them
 * (rating_comment, set once by a guarded UPDATE `… IS NULL`).
 */
export const eventRatingComments: Migration = {
  async up(db) {
    await db.schema.alterTable('rsvps').addColumn('rated_at', 'bigint').execute();
    await db.schema.alterTable('rsvps').addColumn('rating_comment', 'text').execute();
  },
};
