import { openDatabase, type Db } from '../src/store/db';
import type { ChildProcess } from 'node:child_process';
import { DAY } from '../src/clock';
import { createEvent } from '../src/domain/events';
import { startEmulator, type EmulatedGroup, type Emulator, type EmulatedUser } from '../src/sandbox/emulator';
import { botFiles, built, cpuMs, rssMb, seedNeighbourhood, seedResidents, startBot, stopBot, UNPACED } from './bot';
import { fmt, listenPort, percentile, type Row } from './lib';

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

const SKIPPED = Symbol('skipped');
/** A step sends one update and resolves when the bot has handled it, or resolves SKIPPED without sending. */
type Step = (u: EmulatedUser) => Promise<unknown> | typeof SKIPPED;

/** Bench users' Telegram ids; volunteers among them are registered before the bot starts. */
const FIRST_ID = 7_000_000_000;
const COMMUNITY = 'meiyuan';
type Persona = 'reporter' | 'requester' | 'attendee' | 'volunteer';
const persona = (i: number): Persona => (['reporter', 'requester', 'attendee', 'volunteer'] as const)[i % 4];

const HAZARDS = ['路灯损坏', '垃圾堆放', '楼道堆物', '公共设施损坏', '噪音扰民'];
const HELP = ['代购代买', '配餐送餐', '上门探访'];

/** What a resident does in the mix, in order: register, look around, then their part (report, request, RSVP or claim). */
export function residentScript(i: number, world: MixWorld): Step[] {
  const building = `b${1 + (i % 6)}`;
  // Volunteers are registered already, so /start greets them instead of asking for a unit.
  const onboarding: Step[] =
    persona(i) === 'volunteer'
      ? [(u) => u.send('/start')]
      : [
          (u) => u.send(`/start c-${COMMUNITY}-b-${building}`),
          (u) => u.send(`${1 + (i % 30)}-${100 + (i % 7)}`),
          (u) => u.press('✅ 我同意'),
        ];
  return [
    ...onboarding,
    (u) => u.send('/help'),
    (u) => u.send('❓ 帮助'),
    (u) => u.send('/mydata'),
    (u) => u.send('随便说点什么'),
    (u) => u.send('/lang'),
    (u) => u.press(/简体中文/),
    ...personaSteps(i, world),
  ];
}

/** The groups a mix runs in, and staff who approve what waits for them. */
export interface MixWorld {
  team: EmulatedGroup;
  committee: EmulatedGroup;
  staff: EmulatedUser;
}

const has = (u: EmulatedUser, label: string) => (u.last()?.buttons() ?? []).includes(label);

function personaSteps(i: number, world: MixWorld): Step[] {
  switch (persona(i)) {
    case 'reporter':
      return [
        (u) => u.send('/report'),
        (u) => u.press(HAZARDS[i % HAZARDS.length]),
        (u) => u.send(`第${i}号：楼道的灯一直不亮，晚上看不清台阶。`),
        (u) => u.press('跳过'), // photos
        (u) => u.press(/就在我住的/),
        (u) => u.press('跳过'), // the exact spot
        // Many neighbours see the same thing: the bot asks whether it is the same issue.
        (u) => (has(u, '不是，这是另一件事') ? u.press('不是，这是另一件事') : SKIPPED),
        (u) => u.press('✅ 确认提交'),
      ];
    case 'requester':
      return [
        (u) => u.send('/request'),
        (u) => u.press('我本人'),
        (u) => u.press(HELP[i % HELP.length]),
        (u) => u.send('腿脚不便，想请人帮忙买些米和油。'),
        (u) => u.press('⚡ 越快越好'),
        (u) => u.press(/^我家/),
        (u) => u.press('跳过'), // phone
        (u) => u.press('✅ 提交求助'),
        // Staff approve what waits for them in the committee group (when requests need approval).
        () => approveOne(world),
      ];
    case 'attendee':
      return [(u) => u.send('/events'), (u) => (has(u, '✅ 参加') ? u.press('✅ 参加') : SKIPPED)];
    case 'volunteer':
      return [(u) => claimOne(u, world.team), (u) => u.send('/tasks')];
  }
}

/** A volunteer presses Claim on the newest open card in the team group (or looks at /tasks when none is open). */
function claimOne(u: EmulatedUser, team: EmulatedGroup): Promise<unknown> {
  const card = team
    .messages()
    .filter((m) => m.buttons().includes('认领'))
    .at(-1);
  return card ? u.press(/认领/, { in: team, messageId: card.message_id }) : u.send('/tasks');
}

/** Staff's Approve on a request's card in the committee group (the 不同意 button must not match). */
const APPROVE = '✅ 同意';

function approveOne(world: MixWorld): Promise<unknown> | typeof SKIPPED {
  const card = world.committee
    .messages()
    .filter((m) => m.buttons().includes(APPROVE))
    .at(-1);
  return card ? world.staff.press(APPROVE, { in: world.committee, messageId: card.message_id }) : SKIPPED;
}

/**
 * Residents whose mix runs first, unmeasured: a process that has run for a while has its hot code
 * compiled (Linli's first 6,000 updates cost about a third more than the ones after), where the
 * echo bot's little code is compiled almost at once. In bench 6 each instance gets as many (three
 * instances 1,350), and the measured mixes are the same for one and three.
 */
export const WARM_UP_RESIDENTS = Number(process.env.BENCH_WARM_UP ?? 450);

/** Runs each user's script, `concurrency` users at once; latency is per update, end to end. */
export async function drive(users: EmulatedUser[], concurrency: number, script: (i: number) => Step[]) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      for (const step of script(i)) {
        const t = performance.now();
        if ((await step(users[i])) !== SKIPPED) latencies.push(performance.now() - t);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), updates: latencies.length };
}

/**
 * The community the mix runs in, set up in the database before the bot starts (as staff would
 * have done it): a staff member, the committee and elder-care groups linked, every fourth bench
 * user an approved volunteer in that group, and an event with room for 100.
 */
export async function seedMix(emu: Emulator, dbOrPath: string | Db, users: number): Promise<{ people: EmulatedUser[]; world: MixWorld }> {
  const db = typeof dbOrPath === 'string' ? openDatabase({ kind: 'sqlite', path: dbOrPath }) : dbOrPath;
  const staff = emu.user({ id: FIRST_ID - 1, first_name: '王主任', language_code: 'zh-CN', started: true });
  const people = Array.from({ length: users }, (_, i) => emu.user({ id: FIRST_ID + i, first_name: `居民${i}`, language_code: 'zh-CN' }));
  const { committee, team } = await seedNeighbourhood(
    db,
    emu,
    staff,
    people.filter((_, i) => persona(i) === 'volunteer'),
  );
  const now = Date.now();
  await createEvent(db, now, {
    communityId: COMMUNITY,
    title: '重阳节茶话会',
    description: '茶点和节目',
    place: '社区活动室',
    startsAt: now + 7 * DAY,
    capacity: 100,
    rsvpDeadline: now + 6 * DAY,
    audience: { kind: 'community' },
    createdBy: staff.id,
  });
  if (typeof dbOrPath === 'string') await db.destroy();
  return { people, world: { team, committee, staff } };
}

/**
 * Drives the mix and also counts what the bot spent on it: CPU time and Bot API calls (polling
 * aside), all of them and those made as requests of their own (not riding in a webhook's answer).
 */
async function measuredDrive(
  emu: Emulator,
  child: ChildProcess,
  users: EmulatedUser[],
  concurrency: number,
  script: (i: number) => Step[],
) {
  const cpu0 = cpuMs(child.pid!);
  const calls0 = emu.calls.length;
  const result = await drive(users, concurrency, script);
  const made = emu.calls.slice(calls0).filter((c) => c.method !== 'getUpdates');
  const requests = made.filter((c) => !c.viaWebhookAnswer).length;
  const byMethod = new Map<string, number>();
  for (const c of made) {
    const key = c.viaWebhookAnswer ? `${c.method} in webhook answers` : c.method;
    byMethod.set(key, (byMethod.get(key) ?? 0) + 1);
  }
  const perMethod = [...byMethod].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${fmt(n / result.updates, 2)}`);
  return {
    ...result,
    cpuPerUpdate: (cpuMs(child.pid!) - cpu0) / result.updates,
    callsPerUpdate: made.length / result.updates,
    requestsPerUpdate: requests / result.updates,
    perMethod,
  };
}

/**
 * The first WARM_UP_RESIDENTS of `people` run their scripts first, measured apart (the warm-up's
 * CPU per update), then the rest, measured; `script` takes each person's index in `people`.
 */
async function warmedDrive(emu: Emulator, child: ChildProcess, people: EmulatedUser[], concurrency: number, script: (i: number) => Step[]) {
  const cold = await measuredDrive(emu, child, people.slice(0, WARM_UP_RESIDENTS), concurrency, script);
  const result = await measuredDrive(emu, child, people.slice(WARM_UP_RESIDENTS), concurrency, (i) => script(WARM_UP_RESIDENTS + i));
  return { ...result, coldCpuPerUpdate: cold.cpuPerUpdate };
}

/** Linli as its own webhook server on loopback (a port picked at random, as bench 6 does), the way production runs it. */
const webhookEnv = () => {
  const port = listenPort();
  return {
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
    WEBHOOK_SECRET: 'bench-updates-secret-0123',
    PORT: String(port),
  };
};

async function linliRun(users: number, concurrency: number, registered: number, mode: 'polling' | 'webhook') {
  const emu = await startEmulator({ confirmTimeoutMs: 120_000 });
  const files = botFiles();
  await seedResidents(files.dbPath, registered);
  const { people, world } = await seedMix(emu, files.dbPath, WARM_UP_RESIDENTS + users);
  const env = { ...files.env, ...UNPACED, ...(mode === 'webhook' ? webhookEnv() : {}) };
  const { child, startMs } = await startBot(emu, await built('linli'), env);
  const result = await warmedDrive(emu, child, people, concurrency, (i) => residentScript(i, world));
  const rss = rssMb(child.pid!);
  const rejected = emu.rejected.length;
  await stopBot(child);
  await emu.close();
  files.remove();
  return { ...result, startMs, rssMb: rss, rejected };
}

async function bareRun(updatesPerUser: number, users: number, concurrency: number) {
  const emu = await startEmulator({ confirmTimeoutMs: 120_000 });
  const { child } = await startBot(emu, await built('bare'), {});
  const people = Array.from({ length: WARM_UP_RESIDENTS + users }, (_, i) =>
    emu.user({ id: FIRST_ID + i, first_name: `居民${i}`, language_code: 'zh-CN' }),
  );
  const result = await warmedDrive(emu, child, people, concurrency, (i) =>
    Array.from({ length: updatesPerUser }, (_, k) => (u: EmulatedUser) => u.send(`echo ${i} ${k}`)),
  );
  await stopBot(child);
  await emu.close();
  return result;
}

const met = (ok: boolean) => (ok ? 'yes' : 'no') as Row['met'];
type Run = Awaited<ReturnType<typeof linliRun>>;

/** The same mix with Linli in webhook mode, where a press's answer, or the buttons a typed answer takes off, ride in the webhook's answer (issue 17). */
function webhookRows(hooked: Run, polled: Run): Row[] {
  const row = (figure: string, value: number, reference: number, digits = 2) => ({
    bench: '1 updates',
    figure: `webhook mode: ${figure}`,
    value: fmt(value, digits),
    reference: `polling ${fmt(reference, digits)}`,
    ratio: (value / reference).toFixed(2),
  });
  return [
    { ...row(`updates/s (${hooked.updates} updates)`, hooked.rate, polled.rate, 1), target: '—', met: '—' },
    { ...row('bot CPU per update (ms)', hooked.cpuPerUpdate, polled.cpuPerUpdate), target: '—', met: '—' },
    {
      ...row('Bot API requests per update (calls riding in webhook answers aside)', hooked.requestsPerUpdate, polled.requestsPerUpdate),
      target: '≤ 1.2',
      met: met(hooked.requestsPerUpdate <= 1.2),
      why: `by method: ${hooked.perMethod.join(', ')}. Only a press's answer and the buttons taken off a question answered by typing ride; each reply and the other edits are still requests of their own, and so are the messages that show and take away the location and phone keyboards and the committee group's cards.`,
    },
    { ...row('Bot API calls per update, those riding included', hooked.callsPerUpdate, polled.callsPerUpdate), target: '—', met: '—' },
  ];
}

/**
 * This shared 2-core machine's speed moves by a third between minutes (the same code measured
 * 0.59 to 0.75 ms per update in four runs in a row), so the mix runs in rounds, each with Linli
 * polling, Linli on a webhook and the echo bot back to back. The figures are the round whose
 * Linli-to-echo CPU ratio is the median: one real round, so its ratios pair runs of one minute.
 */
type Round = { polled: Run; hooked: Run; bare: Awaited<ReturnType<typeof bareRun>> };

async function medianRound(opts: { users: number; concurrency: number; registered: number; rounds: number }) {
  const rounds: Round[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const polled = await linliRun(opts.users, opts.concurrency, opts.registered, 'polling');
    const hooked = await linliRun(opts.users, opts.concurrency, opts.registered, 'webhook');
    // The bare bot gets as many updates as Linli handled, spread over the same residents.
    const bare = await bareRun(Math.round(polled.updates / opts.users), opts.users, opts.concurrency);
    rounds.push({ polled, hooked, bare });
  }
  const cpuRatio = (r: Round) => r.polled.cpuPerUpdate / r.bare.cpuPerUpdate;
  const sorted = [...rounds].sort((a, b) => cpuRatio(a) - cpuRatio(b));
  return { rounds, median: sorted[Math.floor((sorted.length - 1) / 2)] };
}

export async function benchUpdates(opts: { users: number; concurrency: number; registered: number; rounds: number }): Promise<Row[]> {
  const { rounds, median } = await medianRound(opts);
  const { polled: linli, hooked, bare } = median;
  const ratio = linli.rate / bare.rate;
  const cpuRatio = linli.cpuPerUpdate / bare.cpuPerUpdate;
  const largestRss = Math.max(...rounds.map((r) => r.polled.rssMb));
  const of = rounds.length > 1 ? `, the median of ${rounds.length} rounds` : '';
  return [
    {
      bench: '1 updates',
      figure: `updates/s (${linli.updates} updates, ${opts.users} residents, ${opts.concurrency} at once, after ${WARM_UP_RESIDENTS} residents warmed the bot up${of})`,
      value: fmt(linli.rate),
      reference: `bare telegraf echo ${fmt(bare.rate)}`,
      ratio: ratio.toFixed(2),
      target: 'ratio ≥ 0.4',
      met: met(ratio >= 0.4),
      why: `the bot's one JavaScript thread is the bottleneck (the emulator and the residents share the other core): Linli spends ${fmt(cpuRatio, 1)}× the echo bot's CPU per update, so its rate is bounded near 1/${fmt(cpuRatio, 1)} of the echo bot's. See the CPU row.`,
    },
    {
      bench: '1 updates',
      figure: 'latency p50 / p99 (ms)',
      value: `${fmt(linli.p50)} / ${fmt(linli.p99)}`,
      reference: `${fmt(bare.p50)} / ${fmt(bare.p99)}`,
      ratio: (linli.p99 / bare.p99).toFixed(2),
      target: 'p99 ≤ 150 ms',
      met: met(linli.p99 <= 150),
      why: `with ${opts.concurrency} residents at once every update waits behind the others for the bot's one busy core: p99 follows the CPU per update (see below).`,
    },
    {
      bench: '1 updates',
      figure: 'bot CPU per update (ms)',
      value: fmt(linli.cpuPerUpdate, 2),
      reference: fmt(bare.cpuPerUpdate, 2),
      ratio: cpuRatio.toFixed(2),
      // 0.5 ms was set on a machine where the echo bot spent 0.18 ms; on a busier machine the ratio (≤ 2.8×) is what compares.
      target: '≤ 0.5 ms (≤ 2.8× the echo bot)',
      met: met(linli.cpuPerUpdate <= 0.5 || cpuRatio <= 2.8),
      why: `per update Linli makes ${fmt(linli.callsPerUpdate, 2)} Bot API calls against 1, about three and a half SQL statements (the update's claim and its finish mark, which let it be handled again after a crash, written for all the updates that arrive together in one statement each), a session read (and a write when it changed) and its middleware; no one hot spot of ours is left (README, Benchmarks: the profile).`,
    },
    {
      bench: '1 updates',
      figure: 'bot CPU per update in each round, Linli / echo (ms)',
      value: rounds.map((r) => `${fmt(r.polled.cpuPerUpdate, 2)} / ${fmt(r.bare.cpuPerUpdate, 2)}`).join(', '),
      reference: '—',
      ratio: rounds.map((r) => (r.polled.cpuPerUpdate / r.bare.cpuPerUpdate).toFixed(2)).join(', '),
      target: '—',
      met: '—',
    },
    {
      bench: '1 updates',
      figure: `bot CPU per update in the warm-up before it (the first ${WARM_UP_RESIDENTS} residents' mixes, code still being compiled), Linli / echo (ms)`,
      value: `${fmt(linli.coldCpuPerUpdate, 2)} / ${fmt(bare.coldCpuPerUpdate, 2)}`,
      reference: '—',
      ratio: (linli.coldCpuPerUpdate / bare.coldCpuPerUpdate).toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench: '1 updates',
      figure: 'Bot API calls per update',
      value: fmt(linli.callsPerUpdate, 2),
      reference: fmt(bare.callsPerUpdate, 2),
      ratio: (linli.callsPerUpdate / bare.callsPerUpdate).toFixed(2),
      target: '≤ 1.2',
      met: met(linli.callsPerUpdate <= 1.2),
      why: `by method: ${linli.perMethod.join(', ')}. A press needs its answer and its edit, a message its reply: about 1.37 for this mix at best; the rest are the extra messages that show and take away the location and phone keyboards (a reply keyboard cannot share a message with inline buttons), the committee group's cards and the step's buttons taken off a typed answer.`,
    },
    {
      bench: '1 updates',
      figure: 'Bot API calls per update, by method',
      value: linli.perMethod.slice(0, 4).join(', '),
      reference: '—',
      ratio: '—',
      target: '—',
      met: '—',
    },
    ...webhookRows(hooked, linli),
    {
      bench: '1 updates',
      figure: 'calls Telegram would refuse (polling, webhook)',
      value: `${linli.rejected}, ${hooked.rejected}`,
      reference: '0',
      ratio: '—',
      target: '0',
      met: met(linli.rejected === 0 && hooked.rejected === 0),
    },
    {
      bench: '4 memory/start',
      figure: `bot RSS after the mix (${opts.registered.toLocaleString('en')} residents registered; the largest of the rounds)`,
      value: `${fmt(largestRss)} MB`,
      reference: '—',
      ratio: '—',
      target: '≤ 150 MB',
      met: met(largestRss <= 150),
    },
    {
      bench: '4 memory/start',
      figure: 'start to first update handled',
      value: `${fmt(linli.startMs)} ms`,
      reference: '—',
      ratio: '—',
      target: '< 2,000 ms',
      met: met(linli.startMs < 2000),
    },
  ];
}
