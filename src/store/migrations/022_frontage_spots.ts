import type { Migration } from 'kysely';

/**
 * Named spots in a partner unit's frontage (门前三包: a market entrance, a bus stop), configured
 * per community like buildings. unit_spots lists a unit's spots beside unit_frontage's buildings
 * (a table of its own: SQLite cannot loosen unit_frontage's key in place); reports.spot_id is the
 * spot a shared location was near, so routing, the card, /reports and the summary all read it.
 */
export const frontageSpots: Migration = {
  async up(db) {
    await db.schema
      .createTable('unit_spots')
      .addColumn('unit_id', 'bigint', (c) => c.notNull())
      .addColumn('spot_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('unit_spots_pk', ['unit_id', 'spot_id'])
      .execute();
    await db.schema.alterTable('reports').addColumn('spot_id', 'text').execute();
  },
};
