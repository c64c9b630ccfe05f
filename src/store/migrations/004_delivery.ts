import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** The outbox, broadcasts, topics and events. */
export const delivery: Migration = {
  async up(db: AnyDb) {
    void db;
  },
};
