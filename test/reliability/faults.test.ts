import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import {
  drainOutbox,
  expectLedgerKept,
  expectNothingPersonal,
  expectOutboxDeliveredOnce,
  runDay,
  setUpCommunity,
  type Community,
} from '../helpers/simulation';
import { startWorld, type World } from '../helpers/world';

/**
 * A day in the neighbourhood while Telegram misbehaves: one call in ten meets a 429, a 5xx, a
 * dropped connection or a slow answer. Nothing anyone saw confirmed may be lost, every notice
 * arrives exactly once or is recorded as failed with a reason, and the bot keeps running.
 */

const SIZE = {
  residents: Number(process.env.SIM_RESIDENTS ?? 30),
  volunteers: Number(process.env.SIM_VOLUNTEERS ?? 6),
  staff: Number(process.env.SIM_STAFF ?? 2),
};
const ACTIONS = Number(process.env.SIM_ACTIONS ?? 250);
const SEED = Number(process.env.SIM_SEED ?? 20261125);

describe('a day with a flaky Telegram', () => {
  let world: World;
  let community: Community;
  const unhandled: unknown[] = [];
  const logLines: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // Logs at info, as in production: read afterwards for personal data.
    const stream = new Writable({ write: (chunk, _enc, done) => (logLines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    world = await startWorld({
      logger: createLogger('info', stream),
      sender: { maxAttempts: 6, globalPerSecond: 200, privatePerSecond: 20, groupPerMinute: 6000 },
    });
    community = await setUpCommunity(world, SIZE);
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await world?.stop();
  });

  it(
    `keeps every confirmed report, request and claim through ${ACTIONS} actions with 10% of calls failing`,
    async () => {
      world.emu.faults.setRandom({
        rate: Number(process.env.SIM_RATE ?? 0.1),
        kinds: ['429', '5xx', 'drop', 'slow'],
        seed: SEED,
        delayMs: Number(process.env.SIM_SLOW_MS ?? 100),
      });
      const started = Date.now();
      const ledger = await runDay(community, { actions: ACTIONS, seed: SEED, lanes: 10 });
      const faults = world.emu.calls.filter((c) => c.fault).length;
      world.emu.faults.clear();
      await drainOutbox(world);

      console.log(
        `faults day: ${ledger.actions} actions, ${faults} faults injected in ${world.emu.calls.length} calls, ${ledger.reports.size} reports, ${ledger.requests.size} requests, ${ledger.claims.size} claims, ${ledger.acks.size} acks, ${ledger.rsvps.size} RSVPs, ${ledger.done.size} tasks done, ${ledger.ratings.size} ratings confirmed; ${ledger.retries} retries, ${ledger.givenUp} given up; ${Date.now() - started} ms`,
      );
      console.log(
        [...ledger.troubles]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, n]) => `  ${n}× ${k}`)
          .join('\n'),
      );
      expect(faults).toBeGreaterThan(ACTIONS / 10);
      // Most actions still get through (a person gives up after four tries, and 10% faults hit every step).
      expect(ledger.reports.size + ledger.requests.size).toBeGreaterThan(ACTIONS / 10);
      await expectLedgerKept(world.db, ledger);
      const outbox = await expectOutboxDeliveredOnce(world);
      expect(outbox.sent).toBeGreaterThan(0);
      expect(unhandled).toEqual([]);
      await expectNothingPersonal(community, logLines);
      expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);

      // And the bot still answers.
      const ana = community.residents[0]!;
      await ana.send('/help');
      expect(ana.last()!.text).toMatch(/What I can do|Your role/i);
    },
    120_000 + ACTIONS * 400,
  );
});
