import { type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * Helpers that keep one migration file valid for both SQLite and PostgreSQL.
 * Times are stored as epoch milliseconds (bigint), booleans as 0/1 integers.
 */

export type AnyDb = Kysely<any>;

export function isPostgresDb(db: AnyDb): boolean {
  return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

/** An auto-incrementing integer primary key named id. */
export function withId<T extends string>(builder: CreateTableBuilder<T, never>, postgres: boolean): CreateTableBuilder<T, 'id'> {
  return postgres
    ? builder.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
