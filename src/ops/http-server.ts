import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from '../bot/context';
import { handleWebhookUpdate } from '../bot/middleware/webhook-answer';
import type { Config } from '../config';
import { readBody } from '../http-body';
import type { Sender } from '../delivery/sender';
import type { Metrics } from './metrics';
import { databaseHealthy, type Db } from '../store/db';
import type { SessionStore } from '../store/sessions';

/**
 * The bot's HTTP server. In webhook mode Telegram POSTs each update here with the secret header;
 * a request is answered only after its update is handled (a press's answer riding in it), which is
 * what keeps one chat's updates in order across processes (Telegram waits for the answer before it
 * sends that chat's next update). In both modes `GET /healthz` answers with the database's, the session store's and the
 * sender's state (503 when one is down) and `GET /metrics` in Prometheus' text format.
 */

export interface OpsParts {
  db: Db;
  sessions: SessionStore;
  sender: Sender;
  metrics: Metrics;
  /** More read-only routes (e.g. Open311, src/ops/open311.ts): each answers and returns true, or returns false. */
  routes?: Route[];
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

type WebhookMode = Extract<Config['mode'], { kind: 'webhook' }>;
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

async function health(ops: OpsParts) {
  const database = await databaseHealthy(ops.db);
  const sessions = await within(1000, ops.sessions.get('linli:healthz')).then(
    () => true,
    () => false,
  );
  // 'standby': another instance was elected to send the outbox (src/ops/sender-election.ts).
  const sender = ops.sender.state;
  return {
    ok: database && sessions && sender !== 'stopped',
    database: database ? 'up' : 'down',
    sessions: sessions ? 'up' : 'down',
    sender,
  };
}

/** /healthz, /metrics and the extra routes; anything else goes to `next`. */
function opsRoutes(ops: OpsParts, next: Handler): Handler {
  return async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const h = await health(ops);
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
      return;
    }
    if (req.method === 'GET' && req.url === '/metrics') {
      res.writeHead(200, { 'content-type': ops.metrics.registry.contentType }).end(await ops.metrics.registry.metrics());
      return;
    }
    for (const route of ops.routes ?? []) if (await route(req, res)) return;
    await next(req, res);
  };
}

/** Listens on `port`; the returned function stops taking requests and waits for those in flight. */
async function listen(port: number, handler: Handler): Promise<() => Promise<void>> {
  const inFlight = new Set<Promise<unknown>>();
  const server = createServer((req, res) => {
    const work = Promise.resolve(handler(req, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  // A port already in use fails the start with its reason instead of hanging it.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...inFlight]);
  };
}

/** Far above any update Telegram sends (a message's text is at most 4,096 characters). */
const MAX_UPDATE_BYTES = 1_000_000;

/** An update from a webhook POST's body, or undefined when it is too big or not a JSON object (answered 415, as telegraf did). */
async function readUpdate(req: IncomingMessage): Promise<Update | undefined> {
  const body = await readBody(req, MAX_UPDATE_BYTES);
  try {
    const update: unknown = body === undefined ? undefined : JSON.parse(body);
    return typeof update === 'object' && update !== null ? (update as Update) : undefined;
  } catch {
    return undefined;
  }
}

/** Webhook mode: starts listening and registers the webhook. */
export async function startWebhookServer(bot: Telegraf<BotContext>, ops: OpsParts, mode: WebhookMode): Promise<() => Promise<void>> {
  const { secret, url, port } = mode;
  const path = new URL(url).pathname || '/';
  const stop = await listen(
    port,
    opsRoutes(ops, async (req, res) => {
      if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], secret)) return void res.writeHead(401).end();
      if (req.method !== 'POST' || req.url !== path) return void res.writeHead(403).end();
      const update = await readUpdate(req);
      if (!update) return void res.writeHead(415).end();
      // Answered once handled, with a press's answer riding in it (src/bot/middleware/webhook-answer.ts).
      await handleWebhookUpdate(bot, update, res);
    }),
  );
  await bot.telegram.setWebhook(url, {
    secret_token: secret,
    allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
  });
  return stop;
}

/** Polling mode: /healthz, /metrics and the other routes on their own port (METRICS_PORT). */
export function startOpsServer(ops: OpsParts, port: number): Promise<() => Promise<void>> {
  return listen(
    port,
    opsRoutes(ops, (_req, res) => void res.writeHead(404).end()),
  );
}
