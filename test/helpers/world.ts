import { afterAll, beforeAll, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { ManualClock } from '../../src/clock';
import { parseConfig } from '../../src/config';
import type { SenderOptions } from '../../src/delivery/sender';
import { createLogger, type Logger } from '../../src/logger';
import { startEmulator, type Emulator, type EmulatedUser } from '../../src/sandbox/emulator';

/**
 * A world for end-to-end tests: the project's Bot API emulator on loopback, the real app
 * against it on a fresh SQLite database, a clock the test can move, and personas.
 * Tests read as stories: `const ana = await world.resident('Ana')`, `await ana.send(...)`.
 */

export const ADMIN_ID = 900_001;

export interface WorldOptions {
  mode?: 'polling' | 'webhook';
  /** Extra environment for parseConfig (e.g. DATABASE_URL for PostgreSQL runs). */
  env?: Record<string, string>;
  /** Reuse a data directory (restart tests); a new one by default. */
  dir?: string;
  emulator?: Emulator;
  clock?: ManualClock;
  /** Sender options (e.g. faster limits to match emu.limits.enable({ scale })). */
  sender?: SenderOptions;
  /** The app's logger (e.g. createLogger('info', stream) to read what it logs). */
  logger?: Logger;
}

export interface World {
  emu: Emulator;
  app: App;
  clock: ManualClock;
  dir: string;
  db: App['deps']['db'];
  /** A registered resident of a community and building, through the real onboarding. */
  resident(name: string, opts?: { community?: string; building?: string; locale?: string; unit?: string }): Promise<EmulatedUser>;
  /** A staff member of a community: invited by the admin through /invite and onboarded. */
  staff(name: string, opts?: { community?: string }): Promise<EmulatedUser>;
  admin(): EmulatedUser;
  /** Delivers everything the outbox holds now. */
  flush(): Promise<void>;
  /** Stops the app (and the emulator unless it was given); keeps the data directory if it was given. */
  stop(opts?: { keepEmulator?: boolean }): Promise<void>;
}

/**
 * Ids for the people tests make, apart from the emulator's own (100_001 upwards) and ADMIN_ID: in
 * the old range one call in a thousand drew 900_001 and the world's admin was made twice.
 */
let nextUserId = 2_000_000;
export const newUserId = () => ++nextUserId + Math.floor(Math.random() * 1000) * 1000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// One admin persona per emulator: a restarted app on the same emulator meets the same admin.
const admins = new WeakMap<Emulator, EmulatedUser>();
function adminOf(emu: Emulator): EmulatedUser {
  if (!admins.has(emu)) admins.set(emu, emu.user({ id: ADMIN_ID, first_name: 'Admin', language_code: 'en' }));
  return admins.get(emu)!;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const emu = opts.emulator ?? (await startEmulator());
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'linli-test-'));
  const clock = opts.clock ?? new ManualClock();
  const env: Record<string, string> = {
    BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    DATABASE_URL: `sqlite:${join(dir, 'linli.db')}`,
    SESSION_DB: join(dir, 'sessions.db'),
    ADMIN_IDS: String(ADMIN_ID),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  };
  if (opts.mode === 'webhook') {
    const port = await freePort();
    Object.assign(env, {
      BOT_MODE: 'webhook',
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
      WEBHOOK_SECRET: 'test-secret-0123456789',
      PORT: String(port),
    });
  }
  const config = parseConfig(env);
  const app = await createApp(config, {
    clock,
    cron: false,
    logger: opts.logger ?? createLogger(config.logLevel),
    // The emulator enforces no limits unless a test enables them: one update's replies need not wait a second.
    sender: { idleMs: 20, replyBurst: Infinity, ...opts.sender },
  });
  await app.start();

  const admin = adminOf(emu);

  const world: World = {
    emu,
    app,
    clock,
    dir,
    db: app.deps.db,
    admin: () => admin,
    async resident(name, o = {}) {
      const user = emu.user({ id: newUserId(), first_name: name, language_code: o.locale ?? 'zh-CN' });
      await user.send(`/start c-${o.community ?? 'meiyuan'}-b-${o.building ?? 'b1'}`);
      if (o.unit) await user.send(o.unit);
      else await user.press(/跳过|跳過|Skip/);
      await user.press(/我同意|I agree/);
      return user;
    },
    async staff(name, o = {}) {
      const community = o.community ?? 'meiyuan';
      await admin.send('/invite');
      await admin.press('Staff');
      await admin.press(community === 'meiyuan' ? 'Meiyuan Community' : 'Guihua Community');
      const link = /start=(inv-[\w-]+)/.exec(admin.last()!.text ?? '')![1];
      const user = emu.user({ id: newUserId(), first_name: name, language_code: 'en' });
      await user.send(`/start ${link}`);
      await user.press(/Building 1$/);
      await user.press('Skip');
      await user.press('✅ I agree');
      return user;
    },
    flush: () => app.sender.flush(),
    async stop(s = {}) {
      await app.stop();
      if (!opts.emulator && !s.keepEmulator) await emu.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Starts a world before a suite's first test and stops it after the last, checking that Telegram refused no call; its fields are filled in by then. */
export function worldSuite(opts: WorldOptions = {}): World {
  const world = {} as World;
  beforeAll(async () => void Object.assign(world, await startWorld(opts)), 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });
  return world;
}
