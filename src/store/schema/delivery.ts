/** Row types of the tables in migrations/00x_delivery.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DeliveryTables {}
