import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import { createRequire } from 'node:module';
import type * as KeyvRedisModule from '@keyv/redis';
import { SqliteSessionStorage } from './sqlite-sessions';

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
  return new Keyv({ store: new SqliteSessionStorage(opts.sqlitePath), namespace });
}
