/** Row types of the tables in migrations/00x_hazards.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HazardTables {}
