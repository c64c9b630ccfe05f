import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../src/sandbox/emulator';
import { ADMIN_ID, freePort } from './world';

export interface BotProcessOptions {
  /** Environment on top of the default (SQLite in `dir`, polling): e.g. webhook mode on PostgreSQL and Redis. */
  env?: Record<string, string>;
  /** Run dist/main.js with `npm start`'s node flags (call buildBot() once first) instead of src/main.ts through tsx. */
  built?: boolean;
}

/** `npm run build`, as `npm start` does before it starts (esbuild: under a second). */
export function buildBot(): void {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
}

/** The node flags of `npm start` (memory limits, source maps). */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
}

/**
 * The bot as production runs it: `node --import tsx src/main.ts` (or, `built`, dist/main.js as
 * `npm start` runs it) in a child process, pointed at the emulator and a data directory. Crash
 * tests kill it with SIGKILL and start it again on the same data; an exit nobody asked for is
 * counted in `deaths`.
 */
export class BotProcess {
  private child?: ChildProcess;
  private exited?: Promise<unknown>;
  private killing = false;
  /** Everything the processes wrote (JSON log lines at info). */
  output = '';
  starts = 0;
  kills = 0;
  /** Each start-up, from spawn to "Linli is running". */
  readonly startMs: number[] = [];
  /** The longest start-up, from spawn to "Linli is running". */
  slowestStartMs = 0;
  /** What the current (or last) process wrote since it was started. */
  sinceStart: () => string = () => '';
  /** Exits that were not our SIGKILL: must stay empty. */
  readonly deaths: string[] = [];

  constructor(
    private readonly emu: Emulator,
    private readonly dir: string,
    private readonly options: BotProcessOptions = {},
  ) {}

  /** The process id while it runs (for its CPU time). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Whether it is running now. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const env = {
      ...process.env,
      BOT_TOKEN: this.emu.token,
      TELEGRAM_API_ROOT: this.emu.apiRoot,
      DATABASE_URL: `sqlite:${join(this.dir, 'linli.db')}`,
      SESSION_DB: join(this.dir, 'sessions.db'),
      ADMIN_IDS: String(ADMIN_ID),
      LOG_LEVEL: process.env.BOT_LOG_LEVEL ?? 'info',
      BOT_MODE: 'polling',
      PORT: String(await freePort()),
      ...this.options.env,
    };
    const spawned = Date.now();
    const args = this.options.built ? [...startFlags(), 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.killing = false;
    let mine = '';
    this.sinceStart = () => mine;
    child.stdout!.on('data', (d: Buffer) => {
      mine += d;
      this.output += d;
    });
    child.stderr!.on('data', (d: Buffer) => {
      mine += d;
      this.output += d;
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.killing) this.deaths.push(`exit ${code ?? signal}: ${mine.slice(-500)}`);
        resolve(undefined);
      }),
    );
    // Starting tsx takes a second or two, much longer on a busy machine.
    for (let i = 0; i < 2400 && !mine.includes('Linli is running'); i++) {
      if (child.exitCode !== null) throw new Error(`the bot exited while starting:\n${mine.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!mine.includes('Linli is running')) {
      // Never leave a half-started instance behind: two pollers would conflict.
      await this.kill();
      throw new Error(`the bot did not start in 60 s:\n${mine.slice(-2000)}`);
    }
    this.starts++;
    this.startMs.push(Date.now() - spawned);
    this.slowestStartMs = Math.max(this.slowestStartMs, Date.now() - spawned);
  }

  /** SIGKILL: no cleanup, no lease release, whatever was in flight stays in flight. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.killing = true;
    this.child.kill('SIGKILL');
    await this.exited;
    this.kills++;
  }

  /** A graceful stop (SIGTERM), as at the end of a run. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.killing = true;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
