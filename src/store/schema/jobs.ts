/** Row types of the tables in migrations/00x_jobs.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobTables {}
