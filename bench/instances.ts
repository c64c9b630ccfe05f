import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import pg from 'pg';
import { startEmulator, type EmulatedUser, type Emulator } from '../src/sandbox/emulator';
import { migrateToLatest, openDatabase, type Db } from '../src/store/db';
import { announceToAll, FIRST_ID, seedStaff } from './broadcast';
import { botFiles, botProcess, built, contextSwitches, cpuMs, seedResidents, startFlags, UNPACED } from './bot';
import { fmt, listenPort, type Row } from './lib';
import { drive, residentScript, seedMix, WARM_UP_RESIDENTS } from './updates';

/**
 * Bench 6 (several instances): the update mix on PostgreSQL and Redis with one instance and
 * with three behind a round-robin proxy (webhook mode, as production runs several), with the
 * CPU per update summed over the instances; and the broadcast pace with three instances, on
 * PostgreSQL (one elected sender) against three on SQLite (no election: every instance sends,
 * as before the election was built). Needs PostgreSQL and Redis: BENCH_DATABASE_URL /
 * BENCH_REDIS_URL, else TEST_DATABASE_URL / TEST_REDIS_URL, else the CI defaults on 127.0.0.1.
 */

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-instances-secret-0123';

/**
 * An ordinary load balancer: each request to the next instance in turn, and to the one after it
 * when an instance cannot be reached (nginx's proxy_next_upstream error). Tests use it too.
 * `route` (bench 6 only) picks the instance instead:
 * - `{ pinned: i }`: every request to instance i (the others only take part in the election and
 *   Redis), which tells what several instances cost apart from sharing the work;
 * - `'by chat'`: each chat's updates to one instance (read from the update, which an ordinary
 *   balancer cannot do), which tells what a chat's updates landing on different instances costs.
 */
export function roundRobin(
  ports: number[],
  route?: { pinned: number } | 'by chat',
): {
  server: Server;
  served: number[];
  listen(port: number): Promise<void>;
  close(): Promise<void>;
} {
  let next = 0;
  const served = ports.map(() => 0);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = (tried: number): void => {
        if (tried === ports.length) return void res.writeHead(502).end();
        const i = (route === undefined ? next++ : (route === 'by chat' ? chatOf(body) : route.pinned) + tried) % ports.length;
        const upstream = request(
          { host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers: req.headers, agent: false },
          (answer) => {
            served[i]!++;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (!res.headersSent) forward(tried + 1);
        });
        upstream.end(body);
      };
      forward(0);
    });
  });
  return {
    server,
    served,
    listen: (port) => new Promise((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The chat an update (a webhook POST's body) belongs to, as a number to pick an instance by. */
function chatOf(body: Buffer): number {
  const u = JSON.parse(body.toString('utf8') || '{}') as {
    message?: { chat: { id: number } };
    callback_query?: { from: { id: number }; message?: { chat: { id: number } } };
  };
  return Math.abs(u.message?.chat.id ?? u.callback_query?.message?.chat.id ?? u.callback_query?.from.id ?? 0);
}

/** A fresh PostgreSQL database for one run, and its removal. */
async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `linli_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** `n` built instances in webhook mode behind a round-robin proxy; resolves once each answers /healthz. */
async function startInstances(
  emu: Emulator,
  n: number,
  env: Record<string, string>,
  more: { route?: Parameters<typeof roundRobin>[1]; flags?: string[] } = {},
) {
  const script = await built('linli');
  const base = listenPort(n + 1);
  const ports = Array.from({ length: n }, (_, i) => base + i);
  const proxy = roundRobin(ports, more.route);
  await proxy.listen(base + n);
  const children: ChildProcess[] = ports.map((port) =>
    spawn(...botProcess([...startFlags(), ...(more.flags ?? []), script]), {
      env: {
        ...process.env,
        BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        BOT_MODE: 'webhook',
        WEBHOOK_URL: `http://127.0.0.1:${base + n}/telegram`,
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  for (const port of ports) {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error(`instance on port ${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    children,
    proxy,
    cpuMs: () => children.reduce((sum, c) => sum + cpuMs(c.pid!), 0),
    switches: () =>
      children
        .map((c) => contextSwitches(c.pid!))
        .reduce((a, b) => ({ voluntary: a.voluntary + b.voluntary, involuntary: a.involuntary + b.involuntary })),
    async stop() {
      await Promise.all(
        children.map((c) => {
          const exited = new Promise((resolve) => c.once('exit', resolve));
          c.kill('SIGTERM');
          return exited;
        }),
      );
      process.off('exit', killAll);
      await proxy.close();
    },
  };
}

const uniqueToken = () => `${7_200_000_000 + Math.floor(Math.random() * 1e8)}:AABenchInstancesToken000000000000`;

interface MixOptions {
  users: number;
  concurrency: number;
  registered: number;
}

/**
 * The update mix through `n` instances on a fresh PostgreSQL database and Redis, measured after
 * the warm-up. `route`: how the proxy picks instances (roundRobin); `ready`: awaited between warm-up and
 * measurement (separateBots starts its bots' measured parts together); `countWork`: also count
 * the SQL statements (bench/count-work.mjs, loaded into each instance) and Redis commands.
 */
export async function updatesOn(
  n: number,
  opts: MixOptions,
  more: { route?: Parameters<typeof roundRobin>[1]; warmUp?: number; ready?: () => Promise<void>; countWork?: boolean } = {},
) {
  // Each instance of a deployment has run a while: as much warm-up for each as one instance gets.
  const warmUp = more.warmUp ?? WARM_UP_RESIDENTS * n;
  const emu = await startEmulator({ token: uniqueToken(), confirmTimeoutMs: 120_000 });
  const database = await freshPostgres();
  const db: Db = openDatabase({ kind: 'postgres', url: database.url });
  await migrateToLatest(db);
  await seedResidents(db, opts.registered);
  const { people, world } = await seedMix(emu, db, warmUp + opts.users);
  await db.destroy();
  const counter = more.countWork ? workCounter() : undefined;
  const env = { DATABASE_URL: database.url, REDIS_URL, ...UNPACED, ...counter?.env };
  const bots = await startInstances(emu, n, env, { route: more.route, flags: counter?.flags });
  const probe = emu.user({ first_name: 'probe', language_code: 'en' });
  await probe.send('/start');
  await drive(people.slice(0, warmUp), opts.concurrency, (i) => residentScript(i, world));
  await more.ready?.();
  const served0 = [...bots.proxy.served];
  const cpu0 = bots.cpuMs();
  const switches0 = bots.switches();
  const work0 = await counter?.take(bots.children, emu);
  const measured = people.slice(warmUp);
  const result = await drive(measured, opts.concurrency, (i) => residentScript(warmUp + i, world));
  const cpu = bots.cpuMs() - cpu0;
  const switches = bots.switches();
  const work = await counter?.take(bots.children, emu);
  await counter?.close();
  const rejected = emu.rejected.length;
  await bots.stop();
  await emu.close();
  await database.drop();
  const served = bots.proxy.served.map((count, i) => count - served0[i]!);
  const perUpdate = (a: number, b: number) => (a - b) / result.updates;
  return {
    ...result,
    cpuPerUpdate: cpu / result.updates,
    rejected,
    served,
    switchesPerUpdate: {
      voluntary: perUpdate(switches.voluntary, switches0.voluntary),
      involuntary: perUpdate(switches.involuntary, switches0.involuntary),
    },
    workPerUpdate: work &&
      work0 && {
        statements: perUpdate(work.statements, work0.statements),
        redis: perUpdate(work.redis, work0.redis),
        calls: perUpdate(work.calls, work0.calls),
      },
  };
}

/**
 * Counts of the work the instances do, CPU aside: SQL statements sent (bench/count-work.mjs
 * writes each instance's count on SIGUSR2), commands Redis ran (its commandstats, for the whole
 * server: nothing else uses it meanwhile) and Bot API calls the emulator got.
 */
function workCounter() {
  const dir = mkdtempSync(join(tmpdir(), 'linli-work-'));
  const file = join(dir, 'statements');
  const redis = createClient({ url: REDIS_URL });
  const redisCommands = async () => {
    const stats = await redis.info('commandstats');
    return [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)]
      .filter(([, name]) => name !== 'info')
      .reduce((sum, m) => sum + Number(m[2]), 0);
  };
  /** The counts each instance has written so far, one per SIGUSR2. */
  const written = (c: ChildProcess) => {
    try {
      return readFileSync(`${file}.${c.pid}`, 'utf8').trim().split('\n').map(Number);
    } catch {
      return [];
    }
  };
  let taken = 0;
  return {
    env: { LINLI_WORK_FILE: file },
    flags: ['--import', new URL('./count-work.mjs', import.meta.url).href],
    async take(children: ChildProcess[], emu: Emulator) {
      if (!redis.isOpen) await redis.connect();
      taken++;
      for (const c of children) c.kill('SIGUSR2');
      const redisNow = await redisCommands();
      const calls = emu.calls.length;
      for (let i = 0; ; i++) {
        const counts = children.map(written);
        if (counts.every((lines) => lines.length >= taken)) {
          return { statements: counts.reduce((sum, lines) => sum + lines.at(-1)!, 0), redis: redisNow, calls };
        }
        if (i > 100) throw new Error('an instance did not write its statement count');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      if (redis.isOpen) await redis.quit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The control: three unrelated bots (each its own token, database and emulator; one Redis), each
 * a single instance with a third of the residents and the whole warm-up, measured at the same time.
 * Three instances of one bot do the same work on the same machine; what they cost beyond these
 * is what being one bot costs (the shared claims, limits and election), and the rest is three
 * processes sharing the machine.
 */
async function separateBots(opts: MixOptions) {
  let waiting = 3;
  let go!: () => void;
  const all = new Promise<void>((resolve) => (go = resolve));
  const ready = () => {
    if (--waiting === 0) go();
    return all;
  };
  const third = { ...opts, users: Math.round(opts.users / 3), concurrency: Math.round(opts.concurrency / 3) };
  const runs = await Promise.all([0, 1, 2].map(() => updatesOn(1, third, { ready })));
  const updates = runs.reduce((sum, r) => sum + r.updates, 0);
  return { updates, cpuPerUpdate: runs.reduce((sum, r) => sum + r.cpuPerUpdate * r.updates, 0) / updates };
}

/** An urgent notice to `recipients` through three instances: on PostgreSQL (elected sender) or SQLite (every instance sends). */
export async function broadcastOn(storage: 'postgres' | 'sqlite', recipients: number) {
  const emu = await startEmulator({ token: uniqueToken(), confirmTimeoutMs: 60_000 });
  const files = botFiles();
  const database = storage === 'postgres' ? await freshPostgres() : undefined;
  const db: Db = database ? openDatabase({ kind: 'postgres', url: database.url }) : openDatabase({ kind: 'sqlite', path: files.dbPath });
  await migrateToLatest(db);
  const residents = recipients - 1;
  await seedResidents(db, residents, { firstId: FIRST_ID, community: 'meiyuan' });
  const people: EmulatedUser[] = Array.from({ length: residents }, (_, i) =>
    emu.user({ id: FIRST_ID + i, first_name: `住户${i}`, started: true }),
  );
  const staff = await seedStaff(emu, db);
  await db.destroy();
  const env = database ? { DATABASE_URL: database.url, REDIS_URL } : files.env;
  const bots = await startInstances(emu, 3, env);
  const outcome = await announceToAll(emu, staff, people, recipients);
  await bots.stop();
  await emu.close();
  await database?.drop();
  files.remove();
  return outcome;
}

/**
 * One instance, three, and the control (separateBots), back to back `opts.rounds` times, the order
 * reversed every other round so that the machine's drift in speed favours none: this shared
 * 2-core machine moves by a third between minutes, and single runs of the same code read 1.14×
 * to 1.83×. Each ratio is taken within a round, whose runs are minutes apart, and the table
 * gives the round whose ratio is the median (one for each ratio) and every round's.
 */
async function rounds(opts: MixOptions & { rounds: number }) {
  const runs = { one: () => updatesOn(1, opts), three: () => updatesOn(3, opts), control: () => separateBots(opts) };
  const done: Round[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const order = (['one', 'three', 'control'] as const).slice();
    if (r % 2 === 1) order.reverse();
    const round: Partial<Round> = {};
    for (const name of order) Object.assign(round, { [name]: await runs[name]() });
    done.push(round as Round);
  }
  const median = (ratio: (r: Round) => number) => {
    const sorted = [...done].sort((a, b) => ratio(a) - ratio(b));
    return { round: sorted[Math.floor((sorted.length - 1) / 2)]!, each: done.map((r) => ratio(r).toFixed(2)).join(', ') };
  };
  return {
    overOne: median((r) => r.three.cpuPerUpdate / r.one.cpuPerUpdate),
    overControl: median((r) => r.three.cpuPerUpdate / r.control.cpuPerUpdate),
    machine: median((r) => r.control.cpuPerUpdate / r.one.cpuPerUpdate),
  };
}
type Round = { one: Mix; three: Mix; control: Awaited<ReturnType<typeof separateBots>> };
type Mix = Awaited<ReturnType<typeof updatesOn>>;

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  return c.connect().then(
    () => c.end().then(() => true),
    () => false,
  );
}

export async function benchInstances(opts: MixOptions & { recipients: number; rounds: number }): Promise<Row[]> {
  if (!(await reachable())) {
    const skipped = { value: 'skipped', reference: '—', ratio: '—', target: '—', met: '—' as const };
    return [{ bench: '6 instances', figure: `no PostgreSQL at ${PG_URL} (set BENCH_DATABASE_URL and BENCH_REDIS_URL)`, ...skipped }];
  }
  const { overOne, overControl, machine } = await rounds(opts);
  const { one, three } = overOne.round;
  const pinned = await updatesOn(3, opts, { route: { pinned: 0 } });
  const byChat = await updatesOn(3, opts, { route: 'by chat' });
  const counted = { one: await updatesOn(1, opts, { countWork: true }), three: await updatesOn(3, opts, { countWork: true }) };
  const work = (mix: Mix) => mix.workPerUpdate!;
  const workRatios = (['statements', 'redis', 'calls'] as const).map((k) => (work(counted.three)[k] / work(counted.one)[k]).toFixed(2));
  const workOf = (mix: Mix) => `${fmt(work(mix).statements, 2)} / ${fmt(work(mix).redis, 2)} / ${fmt(work(mix).calls, 2)}`;
  const switchesOf = (mix: Mix) => `${fmt(mix.switchesPerUpdate.voluntary, 2)} / ${fmt(mix.switchesPerUpdate.involuntary, 2)}`;
  const switchesIn = (mix: Mix) => mix.switchesPerUpdate.voluntary + mix.switchesPerUpdate.involuntary;
  const cost = three.cpuPerUpdate / one.cpuPerUpdate;
  const overhead = pinned.cpuPerUpdate / one.cpuPerUpdate;
  const chatKept = byChat.cpuPerUpdate / one.cpuPerUpdate;
  const controlled = overControl.round.three.cpuPerUpdate / overControl.round.control.cpuPerUpdate;
  const shared = machine.round.control.cpuPerUpdate / machine.round.one.cpuPerUpdate;
  const of = opts.rounds > 1 ? `, the median of ${opts.rounds} rounds` : '';
  const elected = await broadcastOn('postgres', opts.recipients);
  const every = await broadcastOn('sqlite', opts.recipients);
  const n = opts.recipients.toLocaleString('en');
  return [
    {
      bench: '6 instances',
      figure: `updates/s on PostgreSQL + Redis, 3 instances behind a proxy (${three.updates} updates, ${opts.concurrency} at once; served ${three.served.join('/')})`,
      value: fmt(three.rate),
      reference: `1 instance ${fmt(one.rate)}`,
      ratio: (three.rate / one.rate).toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: `CPU per update summed over the instances (ms), each instance warmed up first by ${WARM_UP_RESIDENTS} residents' mixes${of}`,
      value: fmt(three.cpuPerUpdate, 2),
      reference: `1 instance ${fmt(one.cpuPerUpdate, 2)}`,
      ratio: cost.toFixed(2),
      target: '≤ 1.1× one instance',
      met: cost <= 1.1 ? 'yes' : 'no',
      why: `the work per update is the same (three instances against one: SQL statements ${workRatios[0]}×, Redis commands ${workRatios[1]}×, Bot API calls ${workRatios[2]}×, counted below), but each instance switches its core more often (below); what three instances cost beyond three unrelated bots doing the same work on the same machine is ${controlled.toFixed(2)}× (the median round against the control, below: the shared claims, limits and election, and a chat's updates landing on different instances: keeping each chat on one instance gives ${chatKept.toFixed(2)}×); the rest (the unrelated bots cost ${shared.toFixed(2)}× one bot alone, the median round) is three processes sharing ${cpus().length} cores with the emulator, the residents, PostgreSQL and Redis: each runs a third of the updates on a machine it shares, so its hot data are colder in the caches (more involuntary context switches). Measure on one core per instance to see the ratio a deployment has.`,
    },
    {
      bench: '6 instances',
      figure: 'the same ratio in each round (one instance and three, minutes apart)',
      value: overOne.each,
      reference: '—',
      ratio: '—',
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: 'the same, with every update sent to one of the three (the other two only in the election and on Redis)',
      value: fmt(pinned.cpuPerUpdate, 2),
      reference: `1 instance ${fmt(one.cpuPerUpdate, 2)}`,
      ratio: overhead.toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: "the same, with each chat's updates sent to one of the three (read from the update: an ordinary balancer cannot)",
      value: fmt(byChat.cpuPerUpdate, 2),
      reference: `1 instance ${fmt(one.cpuPerUpdate, 2)}`,
      ratio: chatKept.toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: `3 instances against the control: 3 unrelated bots at once (own token, database and emulator each), a third of the residents each (${overControl.round.control.updates} updates)${of}`,
      value: fmt(overControl.round.three.cpuPerUpdate, 2),
      reference: `3 unrelated bots ${fmt(overControl.round.control.cpuPerUpdate, 2)}`,
      ratio: controlled.toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: 'in each round: 3 instances against the control; the control against 1 instance (what 3 busy processes cost on this machine)',
      value: overControl.each,
      reference: machine.each,
      ratio: '—',
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: 'work per update, counted in one more run of each: SQL statements / Redis commands / Bot API calls',
      value: workOf(counted.three),
      reference: `1 instance ${workOf(counted.one)}`,
      ratio: workRatios.join(', '),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure:
        'context switches per update summed over the instances, voluntary (waiting for work) / involuntary (core taken by another process), the median round',
      value: switchesOf(three),
      reference: `1 instance ${switchesOf(one)}`,
      ratio: (switchesIn(three) / switchesIn(one)).toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: 'latency p50 / p99, 3 instances (ms)',
      value: `${fmt(three.p50)} / ${fmt(three.p99)}`,
      reference: `1 instance ${fmt(one.p50)} / ${fmt(one.p99)}`,
      ratio: (three.p99 / one.p99).toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '6 instances',
      figure: `broadcast to ${n} through 3 instances, one elected sender (PostgreSQL): messages/s, 429s`,
      value: `${fmt(elected.rate)}, ${elected.tooMany}`,
      reference: "Telegram's limit 30/s",
      ratio: elected.share.toFixed(3),
      target: '≥ 95% of the limit, 0 429s',
      met: elected.share >= 0.95 && elected.tooMany === 0 ? 'yes' : 'no',
      why: `each 429: ${elected.refusals.slice(0, 5).join('; ')}.`,
    },
    {
      bench: '6 instances',
      figure: 'the same, duplicates / missing / calls Telegram would refuse',
      value: `${elected.duplicates} / ${elected.missing} / ${elected.rejected}`,
      reference: '—',
      ratio: '—',
      target: '0 / 0 / 0',
      met: elected.duplicates === 0 && elected.missing === 0 && elected.rejected === 0 ? 'yes' : 'no',
    },
    {
      bench: '6 instances',
      figure: `broadcast to ${n} through 3 instances that all send (SQLite, no election): messages/s, 429s`,
      value: `${fmt(every.rate)}, ${every.tooMany}`,
      reference: 'the elected sender above',
      ratio: (every.rate / elected.rate).toFixed(2),
      target: '— (why the sender is elected)',
      met: '—',
    },
  ];
}
