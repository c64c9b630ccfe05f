import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { TelegramError } from 'telegraf';
import { systemClock, type Clock } from './clock';
import { Communities, loadCommunityConfig } from './community/config';
import type { Config } from './config';
import type { CoreDeps } from './deps';
import { ApiError, Sender, type SenderOptions } from './delivery/sender';
import { I18n } from './i18n';
import { createLogger, type Logger } from './logger';
import { databaseHealthy, migrateToLatest, openDatabase } from './store/db';
import { openSessionStore } from './store/sessions';
import { UsersRepo } from './store/users';
import { createBot, type BuiltBot } from './bot';
import { Scheduler } from './jobs/scheduler';
import { jobFailureReporter } from './jobs/report-failure';

/**
 * The composition root: builds the store, the services, the bot, the sender and the jobs
 * from explicit dependencies. main.ts and the tests are its only callers.
 */

export const LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  sender?: SenderOptions;
  /** Start the scheduler's cron timers (tests drive jobs by hand with the clock instead). */
  cron?: boolean;
}

export interface App {
  deps: CoreDeps;
  built: BuiltBot;
  sender: Sender;
  scheduler: Scheduler;
  /** Starts taking updates (polling, or the webhook server) and delivering the outbox. */
  start(): Promise<void>;
  /** Stops taking updates, lets those in flight finish, closes the stores. */
  stop(): Promise<void>;
}

/** Constant-time comparison, so the secret cannot be guessed byte by byte from timings. */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? createLogger(config.logLevel);
  const communities = new Communities(loadCommunityConfig(config.communityConfigPath));
  const i18n = new I18n(LOCALES_DIR, config.defaultLocale);
  const db = openDatabase(config.database);
  await migrateToLatest(db);
  const sessions = openSessionStore({ redisUrl: config.redisUrl, sqlitePath: config.sessionDbPath });

  let botUsername = '';
  let built: BuiltBot | undefined; // eslint-disable-line prefer-const -- assigned after `api`, which needs it, is made
  const api = async (method: string, payload: Record<string, unknown>) => {
    try {
      return await built!.bot.telegram.callApi(method as never, payload as never);
    } catch (err) {
      if (err instanceof TelegramError) throw new ApiError(err.code, err.description, err.parameters?.retry_after);
      throw err;
    }
  };
  const sender = new Sender(db, api, clock, log.child({ part: 'sender' }), options.sender);
  const deps: CoreDeps = {
    config,
    db,
    users: new UsersRepo(db, config.defaultLocale),
    communities,
    i18n,
    clock,
    log,
    sessions,
    sender,
    api,
    botUsername: () => botUsername,
  };
  built = createBot(deps);
  const { bot } = built;
  const scheduler = new Scheduler(db, clock, log.child({ part: 'jobs' }), built.jobs, config.timezone, {
    reportFailure: jobFailureReporter(deps),
  });

  let server: Server | undefined;
  let polling: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const app: App = {
    deps,
    built,
    sender,
    scheduler,
    async start() {
      const me = await bot.telegram.getMe();
      botUsername = me.username;
      bot.botInfo = me;
      await built!.registerCommands();
      sender.start();
      await scheduler.start({ cron: options.cron ?? true });
      if (config.mode.kind === 'polling') {
        await bot.telegram.deleteWebhook();
        polling = bot.launch({ dropPendingUpdates: false });
        // launch() resolves only when polling stops; errors there are fatal for polling.
        polling.catch((err) => log.fatal({ err }, 'polling stopped'));
        return;
      }
      const { secret, url, port } = config.mode;
      const path = new URL(url).pathname || '/';
      const callback = bot.webhookCallback(path, { secretToken: secret });
      server = createServer(async (req, res) => {
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
      await new Promise<void>((resolve) => server!.listen(port, resolve));
      await bot.telegram.setWebhook(url, {
        secret_token: secret,
        allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
      });
    },
    async stop() {
      scheduler.stop();
      if (polling) {
        try {
          bot.stop('stop');
        } catch {
          // not running
        }
        await polling.catch(() => undefined);
      }
      if (server) {
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        await Promise.allSettled([...inFlight]);
      }
      await built!.settled(2_000);
      await sender.stop();
      await sessions.disconnect().catch(() => undefined);
      await db.destroy();
    },
  };
  return app;
}
