import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkChat } from '../src/domain/chat-links';
import { decideMember, signUp } from '../src/domain/volunteers';
import type { EmulatedGroup, EmulatedUser, Emulator } from '../src/sandbox/emulator';
import { migrateToLatest, openDatabase, type Db } from '../src/store/db';
import type { Role } from '../src/store/schema';

/** Running a bot as its own process, as in production, for the benchmarks. */

export interface BotFiles {
  dir: string;
  dbPath: string;
  /** The bot's environment for this database and session store. */
  env: Record<string, string>;
  remove(): void;
}

/**
 * For the update mixes: bench residents answer each step the moment the bot has handled the
 * last, far faster than a person and than Telegram's one message a second per chat (which the
 * emulator does not enforce there). Paced, they would measure that second, not the bot's work.
 */
export const UNPACED = { REPLY_BURST: '0' };

/** A fresh SQLite database and session store in a temporary directory. */
export function botFiles(): BotFiles {
  const dir = mkdtempSync(join(tmpdir(), 'linli-bench-'));
  const dbPath = join(dir, 'linli.db');
  return {
    dir,
    dbPath,
    env: { DATABASE_URL: `sqlite:${dbPath}`, SESSION_DB: join(dir, 's.db') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The JavaScript a bot runs from, built as production builds it: Linli by `npm run build`
 * (dist/main.js), the bare reference bot with the same bundler into bench/out/.
 */
export async function built(bot: 'linli' | 'bare'): Promise<string> {
  if (bot === 'linli') {
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
    return 'dist/main.js';
  }
  const outfile = 'bench/out/bare-echo.js';
  await build({
    entryPoints: ['bench/bare-echo.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** `npm start`'s Node flags (memory limits), so bots run here as in production, and BENCH_NODE_FLAGS (e.g. --cpu-prof) after them. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const flags = pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
  return [...flags, ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
}

/**
 * BENCH_BOT_CPUS (a list of cores, "2,3,4"): each bot process started takes the next of them to
 * itself (taskset), so that bench 6 can be measured with one core per instance, as a deployment
 * has; the benchmark itself, PostgreSQL and Redis are pinned elsewhere by whoever runs it (README).
 */
const botCpus = process.env.BENCH_BOT_CPUS?.split(',').filter(Boolean) ?? [];
let nextCpu = 0;
export function botProcess(args: string[]): [string, string[]] {
  if (botCpus.length === 0) return [process.execPath, args];
  return ['taskset', ['-c', botCpus[nextCpu++ % botCpus.length]!, process.execPath, ...args]];
}

/** Starts a built bot process on the emulator and waits until it has handled a probe's /start. */
export async function startBot(
  emu: Emulator,
  script: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; startMs: number }> {
  const t0 = performance.now();
  const child = spawn(...botProcess([...startFlags(), script]), {
    env: { ...process.env, BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A benchmark that fails must not leave its bot running.
  process.once('exit', () => child.kill('SIGKILL'));
  const probe = emu.user({ first_name: 'probe', language_code: 'en' });
  await probe.send('/start');
  return { child, startMs: performance.now() - t0 };
}

export async function stopBot(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Resident set size of a process, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU time a process has used so far (user + system), from /proc (Linux; 100 ticks a second). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's context switches so far: voluntary (it waited for input) and involuntary (another process took its core). */
export function contextSwitches(pid: number): { voluntary: number; involuntary: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]);
  return { voluntary: field('voluntary_ctxt_switches'), involuntary: field('nonvoluntary_ctxt_switches') };
}

/**
 * Registers `count` residents straight into the database (ids from `firstId`), as a large
 * community would have; without `community` they alternate between Meiyuan and Guihua.
 */
export async function seedResidents(
  dbOrPath: string | Db,
  count: number,
  opts: { firstId?: number; community?: string } = {},
): Promise<void> {
  const { firstId = 5_000_000_000, community } = opts;
  // A path is a SQLite file opened (and closed) here; a database given stays open for the caller.
  const db = typeof dbOrPath === 'string' ? openDatabase({ kind: 'sqlite', path: dbOrPath }) : dbOrPath;
  await migrateToLatest(db);
  const now = Date.now();
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, k) =>
      registered(firstId + i + k, `住户${i + k}`, now, {
        community: community ?? ((i + k) % 2 ? 'guihua' : 'meiyuan'),
        building: `b${1 + ((i + k) % 6)}`,
        unit: `${1 + ((i + k) % 30)}-${100 + ((i + k) % 7)}`,
      }),
    );
    await db.insertInto('users').values(rows).execute();
  }
  if (typeof dbOrPath === 'string') await db.destroy();
}

/** A users row for someone who has finished onboarding (as the bot would have stored it). */
export function registered(
  id: number,
  firstName: string,
  now: number,
  o: { role?: Role; locale?: string; community?: string; building?: string; unit?: string } = {},
) {
  const { role = 'resident', locale = 'zh-CN', community = 'meiyuan', building = 'b1', unit = '1-101' } = o;
  return {
    id,
    first_name: firstName,
    username: null,
    locale,
    role,
    community_id: community,
    building_id: building,
    unit,
    phone: null,
    privacy_accepted_at: now,
    created_at: now,
    updated_at: now,
  };
}

export interface Neighbourhood {
  staff: EmulatedUser;
  committee: EmulatedGroup;
  team: EmulatedGroup;
}

/**
 * What staff would have set up before the benchmark: the staff member registered, the
 * committee's and the elder-care team's groups linked, and the volunteers registered and
 * approved members of that team, in its group.
 */
export async function seedNeighbourhood(db: Db, emu: Emulator, staff: EmulatedUser, volunteers: EmulatedUser[]): Promise<Neighbourhood> {
  const now = Date.now();
  await db
    .insertInto('users')
    .values(registered(staff.id, staff.name, now, { role: 'staff' }))
    .execute();
  const committee = emu.group({ title: '梅园居委会', members: [staff] });
  const team = emu.group({ title: '为老服务队', members: [staff, ...volunteers] });
  await linkChat(db, now, { id: committee.id, title: committee.title }, { kind: 'committee', communityId: 'meiyuan' }, staff.id);
  await linkChat(db, now, { id: team.id, title: team.title }, { kind: 'team', communityId: 'meiyuan', teamId: 'elder' }, staff.id);
  for (const v of volunteers) {
    await db
      .insertInto('users')
      .values(registered(v.id, v.name, now))
      .execute();
    const [m] = await signUp(
      db,
      now,
      { userId: v.id, communityId: 'meiyuan', teams: ['elder'], agreedToBeNamed: true },
      async () => undefined,
    );
    await decideMember(db, now, m!.id, true, staff.id, async () => undefined);
  }
  return { staff, committee, team };
}
