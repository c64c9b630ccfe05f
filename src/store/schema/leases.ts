/** Row types of the table in migrations/011_leases.ts. Times are epoch milliseconds. */

export interface LeasesTable {
  name: string;
  /** The instance holding it (a random id per process start). */
  owner: string;
  /** Until when it holds unless renewed. */
  until: number;
}

export interface LeasesTables {
  leases: LeasesTable;
}
