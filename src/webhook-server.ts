import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Telegraf } from 'telegraf';
import type { BotContext } from './bot/context';
import type { Config } from './config';
import { databaseHealthy, type Db } from './store/db';

/**
 * Webhook mode: Telegram POSTs each update here with the secret header; `GET /healthz` answers
 * with the database's state. A request is answered only after its update is handled, which is
 * what keeps one chat's updates in order across processes (Telegram waits for the answer
 * before it sends that chat's next update).
 */

type WebhookMode = Extract<Config['mode'], { kind: 'webhook' }>;

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Starts listening and registers the webhook; the returned function stops taking updates and waits for those in flight. */
export async function startWebhookServer(bot: Telegraf<BotContext>, db: Db, mode: WebhookMode): Promise<() => Promise<void>> {
  const { secret, url, port } = mode;
  const callback = bot.webhookCallback(new URL(url).pathname || '/', { secretToken: secret });
  const inFlight = new Set<Promise<unknown>>();
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const ok = await databaseHealthy(db);
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok, database: ok ? 'up' : 'down' }));
      return;
    }
    if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], secret)) {
      res.writeHead(401).end();
      return;
    }
    const work = callback(req, res);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  await bot.telegram.setWebhook(url, {
    secret_token: secret,
    allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
  });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...inFlight]);
  };
}
