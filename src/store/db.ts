import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type PgModule from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type Transaction,
  type TransactionSettings,
} from 'kysely';
import type { Database } from './schema';
import { migrations } from './migrations';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx;

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Loaded only when PostgreSQL is configured: the default SQLite set-up starts faster without it. */
function loadPg(): typeof PgModule {
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  // PostgreSQL returns BIGINT (our timestamps and Telegram ids) as strings unless told otherwise;
  // every value we store fits in a double (ids < 2^53, epoch milliseconds).
  pg.types.setTypeParser(20, (v) => Number(v));
  return pg;
}

export function openDatabase(config: DatabaseConfig): Db {
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const sqlite = new SQLite(config.path);
    // WAL lets a second process read while one writes; busy_timeout makes writers queue
    // instead of failing, which the guarded single-statement updates rely on.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    return new Kysely<Database>({ dialect: new QueuedSqliteDialect({ database: withStatementCache(sqlite) }) });
  }
  const pg = loadPg();
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.url, max: 10 }) }) });
}

/**
 * Kysely prepares every query afresh; the bot runs the same few hundred statements over and
 * over, so keep them prepared. Safe because better-sqlite3 runs each statement to completion
 * synchronously (nothing here streams rows with iterate()).
 */
function withStatementCache(sqlite: SQLite.Database, size = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string): SQLite.Statement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close: () => sqlite.close(),
  };
}

/**
 * SQLite has one connection, which Kysely's driver guards with a lock whose every release wakes
 * every waiter to race for it again: with a hundred updates waiting, each query cost a hundred
 * promises. This one hands the connection to the next waiter in line (first come, first served).
 */
class QueuedSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new QueuedDriver(super.createDriver());
  }
}

class QueuedDriver implements Driver {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly inner: Driver) {}

  init = () => this.inner.init();
  destroy = () => this.inner.destroy();

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    // Never contended now: the inner driver's own lock is free whenever we get here.
    return this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  beginTransaction = (c: DatabaseConnection, settings: TransactionSettings) => this.inner.beginTransaction(c, settings);
  commitTransaction = (c: DatabaseConnection) => this.inner.commitTransaction(c);
  rollbackTransaction = (c: DatabaseConnection) => this.inner.rollbackTransaction(c);
  savepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) => this.inner.savepoint!(c, name, compile);
  rollbackToSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) =>
    this.inner.rollbackToSavepoint!(c, name, compile);
  releaseSavepoint = (c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) =>
    this.inner.releaseSavepoint!(c, name, compile);
}

export async function migrateToLatest(db: Db): Promise<void> {
  // Features are built side by side and their migrations numbered ahead, so one may land after a higher
  // number already ran; each migration only adds its own tables and columns, so order between them is free.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? 'unknown error'}`);
  }
}

/** Answers whether the database responds, for /healthz. */
export async function databaseHealthy(db: Db): Promise<boolean> {
  try {
    await db.selectFrom('users').select('id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
