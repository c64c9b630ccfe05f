import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { createRequire } from 'node:module';
import type * as KeyvRedisModule from '@keyv/redis';

/**
 * Conversation state (which flow a person is in, and their answers so far) lives in keyv:
 * a SQLite file by default, Redis when REDIS_URL is set. It survives restarts.
 */
export type SessionStore = Keyv;

export function openSessionStore(opts: { redisUrl?: string; sqlitePath: string; namespace?: string }): SessionStore {
  const namespace = opts.namespace ?? 'linli-session';
  if (opts.redisUrl) {
    // Loaded only when Redis is configured: it costs ~200 ms and ~10 MB at start otherwise.
    const { default: KeyvRedis } = createRequire(import.meta.url)('@keyv/redis') as typeof KeyvRedisModule;
    return new Keyv({ store: new KeyvRedis(opts.redisUrl), namespace, useKeyPrefix: false });
  }
  if (opts.sqlitePath !== ':memory:') mkdirSync(dirname(opts.sqlitePath), { recursive: true });
  const store = new KeyvSqlite({ uri: `sqlite://${opts.sqlitePath}`, table: 'sessions', busyTimeout: 5000 });
  // As for the main database: WAL with NORMAL sync commits without an fsync per write, and a
  // crash loses nothing that was committed (only a power cut can drop the last moments).
  void store
    .query('PRAGMA journal_mode = WAL')
    .then(() => store.query('PRAGMA synchronous = NORMAL'))
    .catch(() => undefined);
  return new Keyv({ store, namespace });
}
