import type { Migration } from 'kysely';
import type { AnyDb } from './util';

/** Hazard reports (owned by the hazard reports feature). */
export const hazards: Migration = {
  async up(db: AnyDb) {
    void db;
  },
};
