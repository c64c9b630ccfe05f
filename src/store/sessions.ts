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

const NAMESPACE = 'linli-session';

/**
 * In Redis the keys carry the bot's id, as the shared limits' do (src/ops/shared.ts): several
 * bots (a street office's and its test bot, say) may share one Redis, and a person who talks to
 * two of them must not find one bot's conversation in the other. (Before, every bot wrote under
 * one namespace: a deployment that upgrades starts the conversations in progress in Redis anew.)
 */
export function openSessionStore(opts: { redisUrl?: string; sqlitePath: string; botId: string }): SessionStore {
  if (opts.redisUrl) {
    // Loaded only when Redis is configured: it costs ~200 ms and ~10 MB at start otherwise.
    const { default: KeyvRedis } = createRequire(import.meta.url)('@keyv/redis') as typeof KeyvRedisModule;
    return new Keyv({ store: new KeyvRedis(opts.redisUrl), namespace: `${NAMESPACE}:${opts.botId}`, useKeyPrefix: false });
  }
  if (opts.sqlitePath !== ':memory:') mkdirSync(dirname(opts.sqlitePath), { recursive: true });
  return new Keyv({ store: new SqliteSessionStorage(opts.sqlitePath), namespace: NAMESPACE });
}
