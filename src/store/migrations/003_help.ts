import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** Help requests, volunteer teams, tasks, claims, hours and patrol shifts. */
export const help: Migration = {
  async up(db: AnyDb) {
    void db;
  },
};
