import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registered } from '../../bench/bot';
import { roundRobin } from '../../bench/instances';
import { linkChat } from '../../src/domain/chat-links';
import { decideMember, signUp } from '../../src/domain/volunteers';
import { startEmulator, type CallRecord, type EmulatedGroup, type EmulatedUser, type Emulator } from '../../src/sandbox/emulator';
import { migrateToLatest, openDatabase, type Db } from '../../src/store/db';
import { BotProcess, buildBot } from '../helpers/bot-process';
import { approveHelp, askForHelp, Rng } from '../helpers/simulation';
import { ADMIN_ID, freePort } from '../helpers/world';

/**
 * Three instances of the bot as real processes (built and started as `npm start` does) in
 * webhook mode behind a round-robin HTTP proxy, on one PostgreSQL database and one Redis, with
 * the emulator enforcing Telegram's limits at their real values (30 messages a second, 1 a
 * second per chat, 20 a minute per group). Residents onboard through whichever instance the
 * proxy picks; a broadcast survives the SIGKILL of the instance sending it; twenty volunteers
 * pressing Claim through different instances get one winner; a job due every minute runs once
 * a minute; a polling standby takes over; start-up after SIGKILL never hangs.
 */

const PG_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;
const skip = !PG_URL || !REDIS_URL;
if (skip) console.warn('instances.test: TEST_DATABASE_URL and TEST_REDIS_URL are both needed, so the three-instance tests are skipped');

const RESIDENTS = 60;
const VOLUNTEERS = 20;
/** Kill/restart cycles of one instance (bench/soak.ts runs 50). */
const RESTARTS = Number(process.env.INSTANCE_RESTARTS ?? 5);
const SECRET = 'instances-secret-0123456789';
/** A person's pace: Telegram allows one message a second in a private chat, and the bot answers each step. */
const STEP_MS = 1100;
const MARKER = 'notice K-4417';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Methods that post a message (what Telegram's flood limits count). */
const posts = (c: CallRecord) => c.ok && /^send(?!ChatAction)|^copyMessage$|^forwardMessage$/.test(c.method);

/** The most messages Telegram accepted in any one second. */
function busiestSecond(calls: CallRecord[]): number {
  const times = calls.filter(posts).map((c) => c.at);
  times.sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * Telegram's 429s over the whole suite: 0 in every run on a quiet machine; one was seen when CI ran
 * it beside the rest of the suite. The likely cause, a late timer's catch-up overfilling a second,
 * is fixed (Sender.globalWait) and none has been seen since, but a loaded CI machine is allowed
 * this one until more runs say otherwise. Each one is printed with its chat; more than this fails.
 */
const TOLERATED_429S = 1;

describe.skipIf(skip)('three instances behind a round-robin proxy, on PostgreSQL and Redis', () => {
  let emu: Emulator;
  let db: Db;
  let dir: string;
  let dbName: string;
  let databaseUrl: string;
  let proxy: ReturnType<typeof roundRobin>;
  let bots: BotProcess[];
  /** Every process started, for the log of a failed run. */
  const everyBot: BotProcess[] = [];
  let staff: EmulatedUser;
  let committee: EmulatedGroup;
  const teams: Record<string, EmulatedGroup> = {};
  let volunteers: EmulatedUser[];
  let residents: EmulatedUser[] = [];
  let startedAt: number;

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  /** Staff, the committee's and both teams' groups linked, and volunteers approved in both teams, as staff would have set up. */
  async function seed(): Promise<void> {
    const now = Date.now();
    staff = emu.user({ id: 8_100_000, first_name: 'Mei', language_code: 'en', started: true });
    await db
      .insertInto('users')
      .values(registered(staff.id, 'Mei', now, { role: 'staff', locale: 'en' }))
      .execute();
    committee = emu.group({ title: 'Meiyuan committee', members: [staff] });
    await linkChat(db, now, { id: committee.id, title: committee.title }, { kind: 'committee', communityId: 'meiyuan' }, staff.id);
    volunteers = Array.from({ length: VOLUNTEERS }, (_, i) =>
      emu.user({ id: 8_200_000 + i, first_name: `Vol${i}`, language_code: 'en', started: true }),
    );
    for (const team of ['elder', 'repair']) {
      teams[team] = emu.group({ title: `team ${team}`, members: [staff, ...volunteers] });
      await linkChat(
        db,
        now,
        { id: teams[team].id, title: teams[team].title },
        { kind: 'team', communityId: 'meiyuan', teamId: team },
        staff.id,
      );
    }
    for (const v of volunteers) {
      await db
        .insertInto('users')
        .values(registered(v.id, v.name, now, { locale: 'en' }))
        .execute();
      const memberships = await signUp(
        db,
        now,
        { userId: v.id, communityId: 'meiyuan', teams: ['elder', 'repair'], agreedToBeNamed: true },
        async () => undefined,
      );
      for (const m of memberships) await decideMember(db, now, m.id, true, staff.id, async () => undefined);
    }
  }

  beforeAll(async () => {
    buildBot();
    // A bot id of its own, so Redis keys and channels of other runs never meet this one's.
    const botId = 7_100_000_000 + Math.floor(Math.random() * 1e8);
    emu = await startEmulator({ token: `${botId}:AAInstancesTestToken0000000000000`, confirmTimeoutMs: 30_000 });
    dbName = `linli_instances_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin(`create database ${dbName}`);
    const url = new URL(PG_URL!);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
    db = openDatabase({ kind: 'postgres', url: databaseUrl });
    await migrateToLatest(db);
    await seed();
    dir = mkdtempSync(join(tmpdir(), 'linli-instances-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    const proxyPort = await freePort();
    proxy = roundRobin(ports);
    await proxy.listen(proxyPort);
    bots = ports.map(
      (port) =>
        new BotProcess(emu, dir, {
          built: true,
          env: {
            BOT_MODE: 'webhook',
            WEBHOOK_URL: `http://127.0.0.1:${proxyPort}/telegram`,
            WEBHOOK_SECRET: SECRET,
            PORT: String(port),
            DATABASE_URL: databaseUrl,
            REDIS_URL: REDIS_URL!,
            ADMIN_IDS: String(ADMIN_ID),
          },
        }),
    );
    everyBot.push(...bots);
    await Promise.all(bots.map((b) => b.start()));
    emu.limits.enable();
    startedAt = Date.now();
  }, 120_000);

  afterAll(async () => {
    await Promise.all((bots ?? []).map((b) => b.stop()));
    // What the instances logged, for a failed run.
    if (process.env.INSTANCES_LOG) writeFileSync(process.env.INSTANCES_LOG, everyBot.map((b) => b.output).join('\n'));
    await db?.destroy();
    await emu?.close();
    await proxy?.close();
    if (dbName) await admin(`drop database if exists ${dbName} with (force)`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('60 residents onboard through whichever instance gets each update', async () => {
    const rng = new Rng(16);
    residents = Array.from({ length: RESIDENTS }, (_, i) => emu.user({ id: 8_300_000 + i, first_name: `Res${i}`, language_code: 'en' }));
    const onboard = async (u: EmulatedUser, i: number) => {
      await u.send(`/start c-meiyuan-b-b${(i % 6) + 1}`);
      await pause(STEP_MS);
      await u.send(`${(i % 9) + 1}-${100 + i}`);
      await pause(STEP_MS);
      await u.press(/I agree/);
      await pause(STEP_MS);
    };
    // A dozen at a time: people arrive in a stream, and the bot's replies stay under 30 a second.
    let next = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let i = next++; i < RESIDENTS; i = next++) {
          await pause(rng.int(300));
          await onboard(residents[i]!, i);
        }
      }),
    );
    const done = await db
      .selectFrom('users')
      .select(['id', 'building_id', 'unit'])
      .where('id', '>=', 8_300_000)
      .where('privacy_accepted_at', 'is not', null)
      .execute();
    expect(done).toHaveLength(RESIDENTS);
    expect(done.find((r) => r.id === 8_300_007)).toMatchObject({ building_id: 'b2', unit: '8-107' });
    console.log(`onboarding: the proxy gave the instances ${proxy.served.join(' / ')} requests`);
    for (const n of proxy.served) expect(n).toBeGreaterThan(RESIDENTS / 2);
    expect(emu.rejected).toEqual([]);
    const refused = emu.calls.filter((c) => c.error?.code === 429).map((c) => `${c.method} ${String(c.params.text ?? '').slice(0, 30)}`);
    if (refused.length) console.log(refused.slice(0, 20).join('\n'));
    expect(emu.stats.tooManyRequests).toBeLessThanOrEqual(TOLERATED_429S);
  }, 180_000);

  it('a broadcast reaches every resident once, although the instance sending it is SIGKILLed mid-way', async () => {
    await staff.send('/announce');
    await pause(STEP_MS);
    await staff.send(`Water is off tomorrow from 9 to 12 in every building. (${MARKER})`);
    await pause(STEP_MS);
    await staff.press('Skip');
    await pause(STEP_MS);
    await staff.press(/Urgent safety notice/);
    await pause(STEP_MS);
    await staff.press(/The whole community/);
    await pause(STEP_MS);
    const notice = (c: CallRecord) =>
      c.method === 'sendMessage' && c.ok && String(c.params.text ?? '').includes(MARKER) && c.at > startedAt;
    const before = emu.calls.filter(notice).length;
    const started = Date.now();
    await staff.press(/Send to \d+/);

    // Mid-way: once a third of it is out, the instance that sends the outbox dies.
    await emu.waitForCalls((c) => notice(c), { count: before + 20, timeoutMs: 20_000 });
    const holder = bots.find((b) => b.sinceStart().includes('sends the outbox for every instance') && b.running)!;
    expect(holder).toBeDefined();
    await holder.kill();
    // The rows the dead sender had leased: sent but not yet marked so (the duplicate window), or waiting for their turn.
    const leased = await db
      .selectFrom('outbox')
      .select('chat_id')
      .where('status', '=', 'pending')
      .where('lease_owner', 'is not', null)
      .execute();
    const window = new Set(leased.map((r) => Number(r.chat_id)));
    await holder.start();

    const got = (u: EmulatedUser) => u.inbox().filter((m) => (m.text ?? '').includes(MARKER)).length;
    const everyone = [...residents, ...volunteers];
    for (let t = 0; t < 300 && everyone.some((u) => got(u) === 0); t++) await pause(100);
    const sends = emu.calls.filter(notice).filter((c) => c.at >= started);
    const lastAt = Math.max(...sends.map((c) => c.at));
    const counts = everyone.map(got);
    const duplicates = everyone.filter((u) => got(u) > 1);
    console.log(
      `broadcast: ${sends.length} sends to ${everyone.length} people, the last ${lastAt - started} ms after Send; ` +
        `${window.size} rows in flight or leased at the kill; ${duplicates.length} duplicates (${counts.filter((n) => n === 0).length} missing); ` +
        `busiest second ${busiestSecond(emu.calls)} messages; 429s ${emu.stats.tooManyRequests}`,
    );
    const refused = emu.calls.filter((c) => c.error?.code === 429);
    if (refused.length > 0)
      console.log(
        `429s: ${refused.map((c) => `${c.method} to ${String(c.params.chat_id)}${Number(c.params.chat_id) === staff.id ? ' (staff)' : ''} at +${c.at - started} ms`).join('; ')}`,
      );
    expect(counts.filter((n) => n === 0)).toEqual([]);
    // A duplicate only for a row in flight at the instant of the kill (src/delivery/sender.ts).
    for (const u of duplicates) expect(window.has(u.id)).toBe(true);
    expect(lastAt - started).toBeLessThan(20_000);
    expect(busiestSecond(emu.calls)).toBeLessThanOrEqual(30);
    expect(emu.stats.tooManyRequests).toBeLessThanOrEqual(TOLERATED_429S);
    expect(bots.flatMap((b) => b.deaths)).toEqual([]);
  }, 120_000);

  it('twenty volunteers press Claim on one card through different instances: one winner, the card and the database agree', async () => {
    const rng = new Rng(3);
    const requester = residents[0]!;
    await pause(STEP_MS); // a person reads the notice first
    const { id, team } = await askForHelp(requester, rng, 'Please bring rice and oil, my knee hurts.', STEP_MS);
    await pause(STEP_MS);
    await committee.waitFor(new RegExp(`#${id}(?!\\d)`), { timeoutMs: 15_000 });
    expect(await approveHelp(staff, committee, rng, id)).toBe(id);
    const group = teams[team]!;
    const card = await group.waitFor(
      (m) => new RegExp(`#${id}(?!\\d)`).test(m.text ?? '') && m.buttons().some((b) => /认领|Claim/.test(b)),
      {
        timeoutMs: 15_000,
      },
    );
    const served = [...proxy.served];
    const presses = await emu.together(() =>
      Promise.all(volunteers.map((v) => v.press(/认领|Claim/, { in: group, messageId: card.message_id }))),
    );
    const answers = presses.map((p) => p.answer?.text ?? '(no answer)');
    console.log(`claims: ${[...new Set(answers)].map((a) => `${answers.filter((b) => b === a).length} × "${a}"`).join(', ')}`);
    const winners = volunteers.filter((_, i) => /It's yours/.test(answers[i]!));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    expect(presses.filter((p) => /Already taken/.test(p.answer?.text ?? ''))).toHaveLength(VOLUNTEERS - 1);
    console.log(`claims: presses served by the instances ${proxy.served.map((n, i) => n - served[i]!).join(' / ')}`);
    expect(proxy.served.filter((n, i) => n > served[i]!)).toHaveLength(3);
    const task = await db.selectFrom('tasks').select(['status', 'claimed_by']).where('request_id', '=', id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'claimed', claimed_by: winner.id });
    await group.waitFor((m) => m.message_id === card.message_id && (m.text ?? '').includes(winner.name), { timeoutMs: 15_000 });
    expect(
      group
        .messages()
        .find((m) => m.message_id === card.message_id)!
        .buttons(),
    ).not.toContainEqual(expect.stringMatching(/认领|Claim/));
    expect(emu.stats.tooManyRequests).toBeLessThanOrEqual(TOLERATED_429S);
  }, 120_000);

  it('a resident flooding the bot through all three instances is counted once (the flood guard in Redis)', async () => {
    const flo = residents[3]!;
    // Sixty presses of an old button as fast as a thumb can, each answered with a toast. (Typed messages would not
    // do: each gets a reply, and replies to one chat go one a second past a burst, which paces a flood by itself.)
    const message = emu.chat(flo.id).history().at(-1)!;
    const from = emu.calls.length;
    for (let i = 0; i < 60; i++) await flo.sendUpdate({ callback_query: { data: `gone|${i}`, message } });
    const answers = emu.calls.slice(from).filter((c) => c.method === 'answerCallbackQuery' && c.ok);
    const warnings = answers.filter((c) => /sending messages very fast/.test(String(c.params.text ?? '')));
    console.log(`flood: 60 presses through the proxy, ${answers.length - warnings.length} answered, ${warnings.length} warnings`);
    // A bucket of 30 (and about one more a second) for all three together; three buckets in memory would answer all 60.
    expect(warnings).toHaveLength(1);
    expect(answers.length - warnings.length).toBeLessThanOrEqual(36);
  }, 60_000);

  it('a job due every minute runs once a minute across the three', async () => {
    // Wait for two whole minutes after the start, then count the runs of each minute.
    const firstWhole = Math.ceil(startedAt / 60_000) * 60_000;
    while (Date.now() < firstWhole + 2 * 60_000 + 5_000) await pause(1000);
    const runs = await db
      .selectFrom('job_runs')
      .select(['period_key', 'status', 'due_at'])
      .where('job', '=', 'hazards.pages')
      .where('due_at', '>=', firstWhole)
      .execute();
    const minutes = Math.floor((Date.now() - firstWhole) / 60_000);
    console.log(`jobs: hazards.pages ran ${runs.length} times in the ${minutes} whole minutes since the start`);
    expect(new Set(runs.map((r) => r.period_key)).size).toBe(runs.length);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'ok'));
    expect(runs.length).toBeGreaterThanOrEqual(minutes);
    expect(runs.length).toBeLessThanOrEqual(minutes + 1);
  }, 240_000);

  it(
    `start-up after a SIGKILL never hangs (${RESTARTS} kill/restart cycles while updates arrive)`,
    async () => {
      const bot = bots[2]!;
      const talker = residents[1]!;
      const rng = new Rng(99);
      let talking = true;
      const talk = (async () => {
        while (talking) {
          await talker.send('/help').catch(() => undefined);
          await pause(STEP_MS);
        }
      })();
      for (let i = 0; i < RESTARTS; i++) {
        await pause(rng.int(1500));
        await bot.kill();
        await bot.start();
      }
      talking = false;
      await talk;
      console.log(`restarts: ${bot.kills} kills; start-ups took ${bot.startMs.join(', ')} ms`);
      expect(bot.slowestStartMs).toBeLessThan(15_000);
      expect(bot.deaths).toEqual([]);
    },
    60_000 + RESTARTS * 20_000,
  );

  it('in polling mode, a standby instance takes over within 15 s of the polling one’s death', async () => {
    await Promise.all(bots.map((b) => b.stop()));
    const env = { BOT_MODE: 'polling', DATABASE_URL: databaseUrl, REDIS_URL: REDIS_URL!, ADMIN_IDS: String(ADMIN_ID) };
    const a = new BotProcess(emu, dir, { built: true, env });
    const b = new BotProcess(emu, dir, { built: true, env });
    bots = [a, b];
    everyBot.push(a, b);
    await a.start();
    await b.start();
    expect(b.sinceStart()).toMatch(/another instance polls this bot/);
    await a.kill();
    const killedAt = Date.now();
    const late = residents[2]!;
    await late.send('/help');
    await late.waitFor(/\/report/, { timeoutMs: 15_000 });
    const tookOver = Date.now() - killedAt;
    console.log(`polling: the standby answered ${tookOver} ms after the SIGKILL`);
    expect(tookOver).toBeLessThan(15_000);
    expect(b.deaths).toEqual([]);
  }, 90_000);
});
