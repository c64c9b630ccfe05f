import { fileURLToPath } from 'node:url';
import { TelegramError, type Telegram } from 'telegraf';
import { systemClock, type Clock } from './clock';
import { Communities, loadCommunityConfig } from './community/config';
import type { Config } from './config';
import type { CoreDeps } from './deps';
import { ApiError, Sender, type SenderOptions } from './delivery/sender';
import { I18n } from './i18n';
import { createLogger, type Logger } from './logger';
import { migrateToLatest, openDatabase, type Db } from './store/db';
import { startOpsServer, startWebhookServer, type OpsParts } from './ops/http-server';
import { open311Route } from './ops/open311';
import { startPolling } from './ops/polling';
import { createMetrics } from './ops/metrics';
import { electSender, type SenderElection } from './ops/sender-election';
import { openShared, type Shared } from './ops/shared';
import { openSessionStore } from './store/sessions';
import { UsersRepo } from './store/users';
import { createBot, type BuiltBot } from './bot';
import { Scheduler } from './jobs/scheduler';
import { jobFailureReporter } from './jobs/report-failure';
import { dashboardRoutes } from './features/dashboard/routes';

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
  const db = openDatabase(config.database);
  await migrateToLatest(db);
  let built: BuiltBot | undefined; // eslint-disable-line prefer-const -- the Bot API call needs the bot, which needs the deps
  let botUsername = '';
  const log = options.logger ?? createLogger(config.logLevel);
  // Several instances share Telegram's limits and the flood guard through Redis (src/ops/shared.ts).
  const shared: Shared | undefined = config.redisUrl ? openShared(config.redisUrl, config.botId, log.child({ part: 'shared' })) : undefined;
  const deps = coreDeps(
    config,
    { ...options, logger: log },
    db,
    () => built!.bot.telegram,
    () => botUsername,
    shared,
  );
  built = createBot(deps);
  const { bot } = built;
  const { sender, sessions, metrics } = deps;
  const scheduler = new Scheduler(db, deps.clock, deps.log.child({ part: 'jobs' }), built.jobs, config.timezone, {
    reportFailure: jobFailureReporter(deps),
    onRun: (job, status) => metrics.jobRuns.inc({ job, status }),
  });

  let stopTaking: (() => Promise<void>) | undefined;
  let election: SenderElection | undefined;
  return {
    deps,
    built,
    sender,
    scheduler,
    async start() {
      const me = await bot.telegram.getMe();
      botUsername = me.username;
      bot.botInfo = me;
      await built!.registerCommands();
      // On PostgreSQL (where several instances may run) one of them is elected to send; SQLite has one process.
      if (config.database.kind === 'postgres') election = await electSender(sender, db, log.child({ part: 'sender' }), config.botId);
      else sender.start();
      await scheduler.start({ cron: options.cron ?? true });
      const open311 = open311Route({ db, communities: deps.communities, defaultLocale: config.defaultLocale, now: () => deps.clock.now() });
      const dashboard = [dashboardRoutes(deps)].filter((r) => r !== undefined);
      const ops: OpsParts = { db, sessions, sender, metrics, routes: [open311, ...dashboard] };
      if (config.mode.kind === 'webhook') stopTaking = await startWebhookServer(bot, ops, config.mode);
      else {
        const port = config.mode.metricsPort;
        stopTaking = await startPolling(bot, db, deps.log, port === undefined ? undefined : await startOpsServer(ops, port));
      }
    },
    async stop() {
      await scheduler.stop();
      await stopTaking?.();
      await built!.settled(2_000);
      await (election ? election.stop() : sender.stop());
      await sessions.disconnect().catch(() => undefined);
      await shared?.close();
      await db.destroy();
    },
  };
}

/** What every feature is built from: the stores, the sender, the translations, the clock and the logger. */
function coreDeps(
  config: Config,
  options: AppOptions,
  db: Db,
  telegram: () => Telegram,
  botUsername: () => string,
  shared: Shared | undefined,
): CoreDeps {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? createLogger(config.logLevel);
  const api = async (method: string, payload: Record<string, unknown>) => {
    try {
      return await telegram().callApi(method as never, payload as never);
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
    peers: shared?.peers,
    replyBurst: config.replyBurst || Infinity,
    ...options.sender,
  });
  return {
    config,
    db,
    users: new UsersRepo(db, config.defaultLocale),
    communities: new Communities(loadCommunityConfig(config.communityConfigPath)),
    i18n: new I18n(LOCALES_DIR, config.defaultLocale),
    clock,
    log,
    sessions: openSessionStore({ redisUrl: config.redisUrl, sqlitePath: config.sessionDbPath, botId: config.botId }),
    sender,
    metrics,
    api,
    botUsername,
    flood: shared?.flood,
  };
}
