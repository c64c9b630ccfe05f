import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp, type App } from '../app';
import { ManualClock } from '../clock';
import { parseConfig } from '../config';
import { createLogger } from '../logger';
import { startEmulator, type Emulator } from './emulator';
import { ADMIN, seedSandbox, type Seeded } from './seed';
import { startWebChat, type WebChat } from './web/server';

/** A port nobody listens on now, on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The whole sandbox: the emulator, the real app against it on a fresh database in `dir`
 * (wiped at each start), the demo data, and the web chat. main.ts and the browser test start it.
 */

export interface SandboxOptions {
  /** Where the sandbox keeps its databases; emptied first. */
  dir: string;
  /** The web chat's port on 127.0.0.1 (0: any free port). */
  port: number;
  logLevel?: string;
}

export interface Sandbox {
  emu: Emulator;
  app: App;
  clock: ManualClock;
  seeded: Seeded;
  web: WebChat;
  stop(): Promise<void>;
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  const clock = new ManualClock();
  // Messages are dated by the sandbox clock too, so their times follow the time control.
  const emu = await startEmulator({ clock });
  // The staff dashboard on its own port, as a polling bot serves it (METRICS_PORT).
  const dashboardPort = await freePort();
  const config = parseConfig({
    DASHBOARD_URL: `http://127.0.0.1:${dashboardPort}`,
    METRICS_PORT: String(dashboardPort),
    BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    DATABASE_URL: `sqlite:${join(o.dir, 'linli.db')}`,
    SESSION_DB: join(o.dir, 'sessions.db'),
    ADMIN_IDS: String(ADMIN),
    LOG_LEVEL: o.logLevel ?? 'warn',
  });
  // Real cron timers, by the sandbox clock: time passes by itself too, and the time control jumps it.
  const app = await createApp(config, { clock, logger: createLogger(config.logLevel), sender: { idleMs: 50, replyBurst: Infinity } }); // the sandbox's emulator enforces no limits
  await app.start();
  const seeded = await seedSandbox(app, emu);
  const web = await startWebChat({ emu, app, clock, seeded, port: o.port });
  return {
    emu,
    app,
    clock,
    seeded,
    web,
    async stop() {
      await web.close();
      await app.stop();
      await emu.close();
    },
  };
}
