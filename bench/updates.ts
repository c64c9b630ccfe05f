import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { migrateToLatest, openDatabase } from '../src/store/db';
import { startEmulator, type Emulator, type EmulatedUser } from '../src/sandbox/emulator';
import { fmt, percentile, type Row } from './lib';

/**
 * Bench 1 (updates) and 4 (memory and start): a realistic mix of updates from many residents
 * handled end to end by the real bot on SQLite, against a bare telegraf bot that only echoes.
 * Both run as their own process (as in production) against the same emulator implementation
 * with the same concurrency. Each action resolves when the bot has finished handling its
 * update, so latency is end to end.
 */

export interface UpdatesResult {
  rows: Row[];
}

type Step = (u: EmulatedUser) => Promise<unknown>;

/** What a resident does in the mix, in order: register, look around, then the capabilities. */
export function residentScript(i: number): Step[] {
  const community = i % 2 === 0 ? 'meiyuan' : 'guihua';
  const building = community === 'meiyuan' ? `b${1 + (i % 6)}` : ['b1', 'b2', 'b3', 'b8', 'b9'][i % 5];
  return [
    (u) => u.send(`/start c-${community}-b-${building}`),
    (u) => u.send(`${1 + (i % 30)}-${100 + (i % 7)}`),
    (u) => u.press('✅ 我同意'),
    (u) => u.send('/help'),
    (u) => u.send('❓ 帮助'),
    (u) => u.send('/mydata'),
    (u) => u.send('随便说点什么'),
    (u) => u.send('/lang'),
    (u) => u.press('简体中文'),
    ...extraSteps(i),
  ];
}

/** Capabilities join the mix here as they are built (report, request, claims, RSVPs). */
function extraSteps(i: number): Step[] {
  void i;
  return [];
}

async function drive(emu: Emulator, users: number, concurrency: number, script: (i: number) => Step[]) {
  const latencies: number[] = [];
  let next = 0;
  let updates = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < users) {
      const i = next++;
      const user = emu.user({ first_name: `居民${i}`, language_code: 'zh-CN' });
      for (const step of script(i)) {
        const t = performance.now();
        await step(user);
        latencies.push(performance.now() - t);
        updates++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: updates / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), updates };
}

/** Starts a bot as its own process (as in production) and waits until it answers a probe. */
async function startBot(emu: Emulator, entry: string, env: Record<string, string>): Promise<{ child: ChildProcess; startMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const probe = emu.user({ first_name: 'probe', language_code: 'en' });
  await probe.send('/start');
  return { child, startMs: performance.now() - t0 };
}

async function stopBot(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Registers `count` residents straight into the database, as a large community would have. */
async function seedResidents(dbPath: string, count: number): Promise<void> {
  const db = openDatabase({ kind: 'sqlite', path: dbPath });
  await migrateToLatest(db);
  const now = Date.now();
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({
      id: 5_000_000_000 + i + k,
      first_name: `住户${i + k}`,
      locale: 'zh-CN',
      role: 'resident' as const,
      community_id: (i + k) % 2 ? 'guihua' : 'meiyuan',
      building_id: 'b1',
      unit: `${(i + k) % 30}-${100 + ((i + k) % 7)}`,
      privacy_accepted_at: now,
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('users').values(rows).execute();
  }
  await db.destroy();
}

async function linliRun(users: number, concurrency: number, registered: number) {
  const emu = await startEmulator({ confirmTimeoutMs: 120_000 });
  const dir = mkdtempSync(join(tmpdir(), 'linli-bench-'));
  const dbPath = join(dir, 'linli.db');
  await seedResidents(dbPath, registered);
  const { child, startMs } = await startBot(emu, 'src/main.ts', { DATABASE_URL: `sqlite:${dbPath}`, SESSION_DB: join(dir, 's.db') });
  const result = await drive(emu, users, concurrency, residentScript);
  const rss = rssMb(child.pid!);
  const rejected = emu.rejected.length;
  await stopBot(child);
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...result, startMs, rssMb: rss, rejected };
}

async function bareRun(updatesPerUser: number, users: number, concurrency: number) {
  const emu = await startEmulator({ confirmTimeoutMs: 120_000 });
  const { child } = await startBot(emu, 'bench/bare-echo.ts', {});
  const result = await drive(emu, users, concurrency, (i) => Array.from({ length: updatesPerUser }, (_, k) => (u: EmulatedUser) => u.send(`echo ${i} ${k}`)));
  await stopBot(child);
  await emu.close();
  return result;
}

export async function benchUpdates(opts: { users: number; concurrency: number; registered: number }): Promise<Row[]> {
  const perUser = residentScript(0).length;
  const linli = await linliRun(opts.users, opts.concurrency, opts.registered);
  const bare = await bareRun(perUser, opts.users, opts.concurrency);
  const ratio = linli.rate / bare.rate;
  return [
    { bench: '1 updates', figure: `updates/s (${linli.updates} updates, ${opts.users} residents, ${opts.concurrency} at once)`, value: fmt(linli.rate), reference: `bare telegraf echo ${fmt(bare.rate)}`, ratio: ratio.toFixed(2), target: '≥ 1,000/s and ratio ≥ 0.5', met: linli.rate >= 1000 && ratio >= 0.5 ? 'yes' : 'no' },
    { bench: '1 updates', figure: 'latency p50 / p99 (ms)', value: `${fmt(linli.p50)} / ${fmt(linli.p99)}`, reference: `${fmt(bare.p50)} / ${fmt(bare.p99)}`, ratio: (linli.p99 / bare.p99).toFixed(2), target: '—', met: '—' },
    { bench: '1 updates', figure: 'calls Telegram would refuse', value: String(linli.rejected), reference: '0', ratio: '—', target: '0', met: linli.rejected === 0 ? 'yes' : 'no' },
    { bench: '4 memory/start', figure: `bot RSS after the mix (${opts.registered.toLocaleString('en')} residents registered)`, value: `${fmt(linli.rssMb)} MB`, reference: '—', ratio: '—', target: '< 200 MB', met: linli.rssMb < 200 ? 'yes' : 'no' },
    { bench: '4 memory/start', figure: 'start to first update handled', value: `${fmt(linli.startMs)} ms`, reference: '—', ratio: '—', target: '< 2,000 ms', met: linli.startMs < 2000 ? 'yes' : 'no' },
  ];
}
