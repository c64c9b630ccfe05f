import { z } from 'zod';
import cron from 'node-cron';
import { LOCALES, type Locale } from './i18n';

/**
 * The bot's configuration, parsed once at start-up. This is the only file that knows the
 * environment variable names; everything else receives a typed `Config`.
 */

const commaIds = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const ids = parts.map(Number);
    if (ids.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated Telegram user ids, e.g. 12345,67890' });
      return z.NEVER;
    }
    return ids;
  });

const databaseUrl = z
  .string()
  .default('sqlite:data/linli.db')
  .refine((s) => /^sqlite:.+/.test(s) || /^postgres(ql)?:\/\/.+/.test(s), {
    message: 'must be sqlite:<path> or postgres://user@host/db',
  });

const common = {
  BOT_TOKEN: z
    .string({ error: 'is required (get one from @BotFather)' })
    .regex(/^\d+:[\w-]{10,}$/, 'does not look like a bot token (123456:ABC...)'),
  TELEGRAM_API_ROOT: z.url({ error: 'must be a URL such as https://api.telegram.org' }).default('https://api.telegram.org'),
  DATABASE_URL: databaseUrl,
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be redis://host:port')
    .optional(),
  ADMIN_IDS: commaIds,
  DEFAULT_LOCALE: z.enum(LOCALES, { error: `must be one of ${LOCALES.join(', ')}` }).default('zh-CN'),
  TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone such as Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COMMUNITY_CONFIG: z.string().default('src/community/example.json'),
  SESSION_DB: z.string().default('data/sessions.db'),
  /** How far apart one update's direct replies to one chat go (Telegram: one message a second per chat); 0 turns it off. */
  /** Direct replies one chat may get back to back before the rest wait for Telegram's one a second; 0: never wait (a Bot API server without limits, like the sandbox). */
  REPLY_BURST: z.coerce.number({ error: 'must be a whole number from 0 to 3' }).int().min(0).max(3).default(2),
  /** When the weekly summary goes to the committee groups (cron, in TIMEZONE); Monday 09:00 by default. */
  SUMMARY_CRON: z
    .string()
    .default('0 9 * * 1')
    .refine((s) => cron.validate(s), 'is not a cron expression such as "0 9 * * 1" (minute hour day month weekday)'),
  /** The public https address of the bot's HTTP server; the staff dashboard (Mini App) is at <DASHBOARD_URL>/dashboard/. */
  DASHBOARD_URL: z.url({ error: "must be the public https URL of the bot's HTTP server, e.g. https://bot.example.org" }).optional(),
  /** Telegram's sign-in data (initData) older than this many seconds is refused. */
  DASHBOARD_AUTH_MAX_AGE: z.coerce.number({ error: 'must be a number of seconds' }).int().positive().default(3600),
};

const port = z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535);
const polling = z.object({ ...common, BOT_MODE: z.literal('polling'), METRICS_PORT: port.optional() });
const webhook = z.object({
  ...common,
  BOT_MODE: z.literal('webhook'),
  WEBHOOK_URL: z.url({ error: 'is required in webhook mode and must be the public https URL Telegram calls' }),
  WEBHOOK_SECRET: z
    .string({ error: 'is required in webhook mode' })
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -'),
  PORT: port.default(8080),
});

const envSchema = z
  .discriminatedUnion('BOT_MODE', [polling, webhook], {
    error: 'must be polling or webhook',
  })
  // In polling mode the dashboard is served by the ops server, so it needs its port.
  .refine((e) => !(e.BOT_MODE === 'polling' && e.DASHBOARD_URL && e.METRICS_PORT === undefined), {
    path: ['METRICS_PORT'],
    message: 'is required in polling mode when DASHBOARD_URL is set (the dashboard is served on that port)',
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  botToken: string;
  /** The bot's user id: the token's number before ':' (it keys what bots sharing one Redis keep apart). */
  botId: string;
  apiRoot: string;
  /** Polling may serve /healthz and /metrics on metricsPort; webhook mode serves them beside the webhook. */
  mode: { kind: 'polling'; metricsPort?: number } | { kind: 'webhook'; url: string; secret: string; port: number };
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  redisUrl?: string;
  sessionDbPath: string;
  adminIds: number[];
  defaultLocale: Locale;
  timezone: string;
  logLevel: string;
  communityConfigPath: string;
  summaryCron: string;
  replyBurst: number;
  /** The staff dashboard; absent when DASHBOARD_URL is not set. */
  dashboard?: { url: string; authMaxAgeSeconds: number };
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty value in .env means "not set", so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse({ BOT_MODE: 'polling', ...cleaned });
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? 'BOT_MODE');
    throw new ConfigError(`Configuration error: ${variable} ${issue.message}`);
  }
  const e = result.data;
  return {
    botToken: e.BOT_TOKEN,
    botId: e.BOT_TOKEN.split(':')[0]!,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    mode:
      e.BOT_MODE === 'webhook'
        ? { kind: 'webhook', url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.PORT }
        : { kind: 'polling', metricsPort: e.METRICS_PORT },
    database: e.DATABASE_URL.startsWith('sqlite:')
      ? { kind: 'sqlite', path: e.DATABASE_URL.slice('sqlite:'.length) }
      : { kind: 'postgres', url: e.DATABASE_URL },
    redisUrl: e.REDIS_URL,
    sessionDbPath: e.SESSION_DB,
    adminIds: e.ADMIN_IDS,
    defaultLocale: e.DEFAULT_LOCALE,
    timezone: e.TIMEZONE,
    logLevel: e.LOG_LEVEL,
    communityConfigPath: e.COMMUNITY_CONFIG,
    summaryCron: e.SUMMARY_CRON,
    replyBurst: e.REPLY_BURST,
    dashboard: e.DASHBOARD_URL ? { url: e.DASHBOARD_URL.replace(/\/+$/, ''), authMaxAgeSeconds: e.DASHBOARD_AUTH_MAX_AGE } : undefined,
  };
}
