import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as RedisModule from '@redis/client';
import type { FloodBuckets } from '../bot/flood';
import type { SenderPeers } from '../delivery/sender';
import type { Logger } from '../logger';

/**
 * What the instances of one bot share through Redis (when REDIS_URL is set), besides sessions:
 * - each instance's direct replies, published on a channel, so the instance that sends the
 *   outbox counts them against Telegram's limits as if they were its own (Telegram counts every
 *   message of the token, whichever process sent it);
 * - pokes: something was queued on an instance that does not send, so the sender looks now
 *   instead of at its next idle tick;
 * - the flood guard's buckets, one per person, taken in one Lua script (atomic in Redis).
 * Keys and the channel carry the bot's id, so several bots may share one Redis. Redis being
 * down never stops an update: a publish that fails is dropped and the flood guard lets the
 * update through (see openShared's callers).
 */

export interface Shared {
  peers: SenderPeers;
  flood: FloodBuckets;
  close(): Promise<void>;
}

type Client = ReturnType<typeof RedisModule.createClient>;

/** Refills the person's bucket for the time since the last update, then takes a token or says whether to warn. */
const TAKE_TOKEN = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'warned')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
local warned = b[3] == '1'
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
local warn = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
  if tokens >= burst / 2 then warned = false end
elseif not warned then
  warned = true
  warn = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'warned', warned and '1' or '0')
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, warn}
`;

export function openShared(url: string, botId: string, log: Logger): Shared {
  // Loaded only when Redis is configured, as the session store does.
  const { createClient } = createRequire(import.meta.url)('@redis/client') as typeof RedisModule;
  const client: Client = createClient({ url });
  const subscriber: Client = client.duplicate();
  const me = randomUUID().slice(0, 8);
  const channel = `linli:${botId}:sends`;
  let lastError = 0;
  const warn = (err: unknown, what: string) => {
    // A Redis outage would log every command; once every 10 s is enough.
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    log.warn({ err }, what);
  };
  client.on('error', (err) => warn(err, 'Redis (shared limits) is unreachable'));
  subscriber.on('error', (err) => warn(err, 'Redis (shared limits subscription) is unreachable'));
  // Not awaited: commands wait in node-redis's offline queue, so a slow Redis never holds the start.
  const connected = client.connect().catch((err) => warn(err, 'could not connect to Redis'));
  const subscribed = subscriber.connect().catch((err) => warn(err, 'could not connect to Redis'));

  const sendListeners: ((chatId: number) => void)[] = [];
  const pokeListeners: (() => void)[] = [];
  void subscribed.then(() =>
    subscriber
      .subscribe(channel, (message) => {
        const [from, kind, chat] = message.split(' ');
        if (from === me) return;
        if (kind === 'p') for (const l of pokeListeners) l();
        else if (kind === 's') for (const l of sendListeners) l(Number(chat));
      })
      .catch((err) => warn(err, 'could not subscribe to the shared send counts')),
  );
  const publish = (message: string) =>
    void client.publish(channel, `${me} ${message}`).catch((err) => warn(err, 'could not publish to Redis'));

  return {
    peers: {
      sent: (chatId) => publish(`s ${chatId}`),
      poke: () => publish('p'),
      onSent: (listener) => void sendListeners.push(listener),
      onPoke: (listener) => void pokeListeners.push(listener),
    },
    flood: {
      async take(userId, burst, perSecond, now) {
        const r = (await client.eval(TAKE_TOKEN, {
          keys: [`linli:${botId}:flood:${userId}`],
          arguments: [String(burst), String(perSecond), String(now)],
        })) as [number, number];
        return { allowed: r[0] === 1, warn: r[1] === 1 };
      },
    },
    async close() {
      await Promise.all([connected, subscribed]);
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
