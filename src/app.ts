import { fileURLToPath } from 'node:url';
import { TelegramError } from 'telegraf';
import { systemClock, type Clock } from './clock';
import { Communities, loadCommunityConfig } from './community/config';
import type { Config } from './config';
import type { CoreDeps } from './deps';
import { ApiError, Sender, type SenderOptions } from './delivery/sender';
import { I18n } from './i18n';
import { createLogger, type Logger } from './logger';
import { migrateToLatest, openDatabase } from './store/db';
import { startOpsServer, startWebhookServer, type OpsParts } from './ops/http-server';
import { createMetrics } from './ops/metrics';
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
  const metrics = createMetrics(db);
  const sender = new Sender(db, api, clock, log.child({ part: 'sender' }), {
    onResult: (result, rateLimited) => {
      metrics.sends.inc({ result });
      if (rateLimited) metrics.rateLimited.inc();
    },
    ...options.sender,
  });
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
    metrics,
    api,
    botUsername: () => botUsername,
  };
  built = createBot(deps);
  const { bot } = built;
  const scheduler = new Scheduler(db, clock, log.child({ part: 'jobs' }), built.jobs, config.timezone, {
    reportFailure: jobFailureReporter(deps),
    onRun: (job, status) => metrics.jobRuns.inc({ job, status }),
  });

  let stopTaking: (() => Promise<void>) | undefined;
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
      const ops: OpsParts = { db, sessions, sender, metrics };
      stopTaking =
        config.mode.kind === 'polling'
          ? await startPolling(
              bot,
              log,
              config.mode.metricsPort === undefined ? undefined : await startOpsServer(ops, config.mode.metricsPort),
            )
          : await startWebhookServer(bot, ops, config.mode);
    },
    async stop() {
      scheduler.stop();
      await stopTaking?.();
      await built!.settled(2_000);
      await sender.stop();
      await sessions.disconnect().catch(() => undefined);
      await db.destroy();
    },
  };
  return app;
}

/** Polling mode: long-polls Telegram; the returned function stops polling after the batch in hand. */
async function startPolling(bot: BuiltBot['bot'], log: Logger, stopOps?: () => Promise<void>): Promise<() => Promise<void>> {
  await bot.telegram.deleteWebhook();
  const polling = bot.launch({ dropPendingUpdates: false });
  // launch() resolves only when polling stops; errors there are fatal for polling.
  polling.catch((err) => log.fatal({ err }, 'polling stopped'));
  return async () => {
    try {
      bot.stop('stop');
    } catch {
      // not running
    }
    await polling.catch(() => undefined);
    await stopOps?.();
  };
}
