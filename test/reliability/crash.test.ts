import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator';
import { BotProcess } from '../helpers/bot-process';
import {
  approveHelp,
  announceUpToSend,
  askForHelp,
  claimCard,
  expectLedgerKept,
  expectOutboxDeliveredOnce,
  inFlightRows,
  newLedger,
  openCards,
  Rng,
  runDay,
  setUpCommunity,
  type Community,
} from '../helpers/simulation';
import { startWorld } from '../helpers/world';

/**
 * The bot process is killed with SIGKILL at random moments — in the middle of a day, of a
 * broadcast and of a claim — and started again on the same database. Nothing anyone saw
 * confirmed is lost, and no message arrives twice except those in flight at the instant of a
 * kill (the window documented at the top of src/delivery/sender.ts).
 */

const SEED = Number(process.env.SIM_SEED ?? 7);
/** Sizes of the day (bench/soak.ts runs it larger): kills during the day come on top of the three told stories. */
const DAY = {
  actions: Number(process.env.CRASH_ACTIONS ?? 40),
  kills: Number(process.env.CRASH_KILLS ?? 1),
  residents: Number(process.env.CRASH_RESIDENTS ?? 10),
  volunteers: Number(process.env.CRASH_VOLUNTEERS ?? 4),
};

/** The child's sender keeps Telegram's real pace (20 messages a minute per group), so a larger day drains slower. */
const DRAIN_MS = 45_000 + DAY.actions * 1000;

/**
 * Waits until the bot has taken every update (a restarted bot may first wait for the dead one's
 * polling lease and claims) and its sender has delivered everything (it runs on the real clock here).
 */
async function drained(db: Db, timeoutMs = DRAIN_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const unfinished = await db
      .selectFrom('processed_updates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('finished_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (emu.pendingUpdates > 0 || Number(unfinished.n) > 0) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const left = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the outbox did not drain');
}

/** The emulator of the run (drained() waits on its unconfirmed updates). */
let emu: Emulator;

describe('a bot killed at random moments', () => {
  let dir: string;
  let db: Db;
  let bot: BotProcess;
  let town: Community;
  const ledger = newLedger();
  /** Outbox rows in flight at the instant of each kill: the only ones allowed to arrive twice. */
  const window = new Set<string>();

  /** SIGKILL, then what 60 s of waiting would do: the dead sender's leases expire. Then a restart. */
  async function crashAndRestart(): Promise<void> {
    await bot.kill();
    for (const key of await inFlightRows(db)) window.add(key);
    await db.updateTable('outbox').set({ lease_until: 0 }).where('status', '=', 'pending').where('lease_owner', 'is not', null).execute();
    await bot.start();
  }

  beforeAll(
    async () => {
      // An update the bot was killed in is confirmed only by the restarted bot, which first waits out the
      // dead one's polling lease (6 s) and starts (seconds more on a loaded machine): give it 30 s.
      emu = await startEmulator({ confirmTimeoutMs: 30_000 });
      dir = mkdtempSync(join(tmpdir(), 'linli-crash-'));
      // The neighbourhood is set up in-process, then the bot moves to its own process on the same data.
      const world = await startWorld({ emulator: emu, dir });
      const community = await setUpCommunity(world, { residents: DAY.residents, volunteers: DAY.volunteers, staff: 1 }, { firstName: 'K' });
      await world.stop({ keepEmulator: true });
      db = openDatabase({ kind: 'sqlite', path: join(dir, 'linli.db') });
      town = { ...community, world: { ...world, db } };
      bot = new BotProcess(emu, dir);
      await bot.start();
    },
    60_000 + DAY.residents * 300,
  );

  afterAll(async () => {
    await bot?.stop();
    await db?.destroy();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a resident in the middle of a report carries on after a crash', async () => {
    const ana = town.residents[0]!;
    await ana.send('/report');
    await ana.press('Noise');
    await crashAndRestart();
    await ana.send('Drilling every night after eleven');
    expect(ana.last()!.text).toMatch(/photos/i);
    await ana.press('Skip');
    await ana.press(/In my building/);
    await ana.press('Skip');
    await ana.press('✅ Submit');
    const id = Number(/R-(\d+)/.exec(ana.last()!.text!)![1]) - 1000;
    ledger.reports.set(id, ana.id);
  }, 30_000);

  it(
    `a day of ${DAY.actions} actions survives ${DAY.kills} kill(s) at random moments`,
    async () => {
      const rng = new Rng(SEED);
      const killAt = new Set<number>();
      while (killAt.size < DAY.kills) killAt.add(5 + rng.int(Math.max(1, DAY.actions - 10)));
      const killsBefore = bot.kills;
      await runDay(
        town,
        { actions: DAY.actions, seed: SEED, lanes: 4, after: async (n) => (killAt.has(n) ? crashAndRestart() : undefined) },
        ledger,
      );
      expect(bot.kills - killsBefore).toBe(DAY.kills);
      await expectLedgerKept(db, ledger);
    },
    60_000 + DAY.actions * 500 + DAY.kills * 5000,
  );

  it(
    'a broadcast killed halfway reaches everyone, at most the in-flight few twice',
    async () => {
      const staff = town.staff[0]!;
      const title = `Water cut on Friday (${SEED})`;
      const send = await announceUpToSend(staff, title);
      const recipients = Number(/\d+/.exec(send)![0]);
      expect(recipients).toBeGreaterThan(10);
      // Kill the moment the fourth resident has it.
      const killed = new Promise<void>((resolve) => {
        let seen = 0;
        const onCall = (call: { method: string; ok: boolean; params: Record<string, unknown> }) => {
          if (call.ok && call.method === 'sendMessage' && String(call.params.text ?? '').includes(title) && ++seen === 4) {
            emu.events.off('call', onCall);
            resolve(crashAndRestart());
          }
        };
        emu.events.on('call', onCall);
      });
      await staff.press(send);
      await killed;
      await drained(db);
      const got = [...town.residents, ...town.volunteers].map((u) => u.inbox().filter((m) => m.text?.includes(title)).length);
      expect(got.every((n) => n >= 1)).toBe(true);
      const twice = got.filter((n) => n > 1).length;
      expect(twice).toBeLessThanOrEqual(window.size);
    },
    60_000 + DRAIN_MS,
  );

  it(
    'volunteers pressing Claim while the bot dies: each task has one claimer, and whoever was told "yours" has it',
    async () => {
      const rng = new Rng(SEED + 1);
      const elder = town.teams.elder!;
      // Three requests for the elder-care team, asked by residents in turn (each one paced like a person).
      let elderRequests = 0;
      for (let attempt = 0; elderRequests < 3; attempt++) {
        if (attempt > 40) throw new Error('could not file three help requests');
        const asker = town.residents[1 + (attempt % (town.residents.length - 1))]!;
        const r = await askForHelp(asker, rng, 'Please bring some vegetables').catch(() => undefined);
        if (!r) {
          await asker.send('/cancel').catch(() => undefined);
          continue;
        }
        ledger.requests.set(r.id, asker.id);
        if (r.team === 'elder') elderRequests++;
      }
      await drained(db);
      // Staff approve them all, so the elder-care ones reach the team group.
      while ((await approveHelp(town.staff[0]!, town.committee, rng)) !== undefined) await drained(db);
      expect(openCards(elder).length).toBeGreaterThanOrEqual(3);
      const volunteers = town.volunteers.filter((v) => elder.memberStatus(v) === 'member');
      const killed = new Promise<void>((resolve) => {
        const onCall = (call: { method: string; ok: boolean }) => {
          if (call.ok && call.method === 'answerCallbackQuery') {
            emu.events.off('call', onCall);
            resolve(crashAndRestart());
          }
        };
        emu.events.on('call', onCall);
      });
      const presses = volunteers.flatMap((v) =>
        [0, 1].map(async () => ({ v, task: await claimCard(v, elder, rng).catch(() => undefined) })),
      );
      const results = await Promise.all(presses);
      await killed;
      for (const { v, task } of results) if (task !== undefined) ledger.claims.set(task, v.id);
      expect(bot.kills).toBe(DAY.kills + 3);
      await expectLedgerKept(db, ledger);
    },
    60_000 + DRAIN_MS,
  );

  it(
    'after all the kills: nothing confirmed is lost, every notice arrived once (or within the window), the bot never died by itself',
    async () => {
      await drained(db);
      await expectLedgerKept(db, ledger);
      const outbox = await expectOutboxDeliveredOnce({ db, emu }, window);
      console.log(
        `crash run: ${bot.kills} kills (slowest restart ${bot.slowestStartMs} ms), ${ledger.actions} actions, ${ledger.reports.size} reports, ${ledger.requests.size} requests, ${ledger.claims.size} claims, ${ledger.done.size} tasks done, ${ledger.ratings.size} ratings confirmed; outbox ${outbox.sent} sent, ${outbox.failed} failed, ${outbox.duplicates} duplicates within the window of ${window.size} in-flight rows`,
      );
      expect(bot.deaths).toEqual([]);
      // A press handled again after a kill re-does its edit, which Telegram answers "not modified" (harmless).
      const rejected = emu.rejected.filter((c) => !/message is not modified/.test(c.error?.description ?? ''));
      expect(rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
      const ana = town.residents[0]!;
      await ana.send('/myreports');
      expect(ana.last()!.text).toMatch(/R-\d+/);
    },
    60_000 + DRAIN_MS,
  );
});
