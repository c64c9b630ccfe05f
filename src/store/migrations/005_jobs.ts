import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** Scheduled job runs. */
export const jobs: Migration = {
  async up(db: AnyDb) {
    void db;
  },
};
