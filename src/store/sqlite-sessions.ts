import { EventEmitter } from 'node:events';
import SQLite from 'better-sqlite3';

/**
 * keyv's storage for the sessions in a SQLite file, on better-sqlite3 like the main database:
 * statements prepared once and run in-process. (@keyv/sqlite went through node-sqlite3's thread
 * pool for every read and write, a sixth of the bot's CPU per update in the profile.) The table
 * is the one @keyv/sqlite made, so sessions written before carry on.
 */
export class SqliteSessionStorage extends EventEmitter {
  namespace?: string;
  readonly opts: { table: string };
  private readonly db: SQLite.Database;
  private readonly statements: {
    get: SQLite.Statement<[string], { value: string }>;
    set: SQLite.Statement<[string, string]>;
    delete: SQLite.Statement<[string]>;
    clear: SQLite.Statement<[string]>;
  };

  constructor(path: string, table = 'sessions') {
    super();
    this.opts = { table };
    this.db = new SQLite(path);
    // As for the main database: WAL with NORMAL sync commits without an fsync per write, and a
    // crash loses nothing that was committed (only a power cut can drop the last moments).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    this.statements = {
      get: this.db.prepare(`SELECT value FROM ${table} WHERE key = ?`),
      set: this.db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
      delete: this.db.prepare(`DELETE FROM ${table} WHERE key = ?`),
      clear: this.db.prepare(`DELETE FROM ${table} WHERE key LIKE ?`),
    };
  }

  async get(key: string): Promise<string | undefined> {
    return this.statements.get.get(key)?.value;
  }

  async set(key: string, value: string): Promise<void> {
    this.statements.set.run(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  async clear(): Promise<void> {
    this.statements.clear.run(this.namespace ? `${this.namespace}:%` : '%');
  }

  async disconnect(): Promise<void> {
    this.db.close();
  }
}
