import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobSpec } from '../src/jobs/job';
import { DAY, HOUR, ManualClock, MINUTE } from '../src/clock';
import { parseConfig } from '../src/config';
import { currentPeriod } from '../src/jobs/cron-period';
import { Scheduler } from '../src/jobs/scheduler';
import { zonedEpoch } from '../src/zoned-time';
import { createLogger } from '../src/logger';
import { migrateToLatest, openDatabase, type Db } from '../src/store/db';

const TZ = 'Asia/Shanghai';
/** Monday 2031-03-03 08:00 in Shanghai. */
const MONDAY_8AM = zonedEpoch({ year: 2031, month: 3, day: 3, hour: 8 }, TZ);

describe('cron periods in the time zone', () => {
  it.each([
    ['* * * * *', '2031-03-05T14:37'],
    ['*/15 * * * *', '2031-03-05T14:30'],
    ['5 * * * *', '2031-03-05T14:05'],
    ['0 9 * * *', '2031-03-05T09:00'],
    ['0 20 * * *', '2031-03-04T20:00'],
    ['0 9 * * 1', '2031-03-03T09:00'],
    ['0 9 * * 3', '2031-03-05T09:00'],
    ['0 18 * * 3', '2031-02-26T18:00'],
    ['0 10 1 * *', '2031-03-01T10:00'],
    ['0 10 15 * *', '2031-02-15T10:00'],
  ])('%s at Wednesday 2031-03-05 14:37 is the period %s', (expression, key) => {
    const now = zonedEpoch({ year: 2031, month: 3, day: 5, hour: 14, minute: 37 }, TZ) + 20_000;
    const period = currentPeriod(expression, now, TZ)!;
    expect(period.key).toBe(key);
    const [date, time] = key.split('T');
    const [y, m, d] = date.split('-').map(Number);
    const [h, min] = time.split(':').map(Number);
    expect(period.dueAt).toBe(zonedEpoch({ year: y, month: m, day: d, hour: h, minute: min }, TZ));
  });

  it('counts in the configured zone, not UTC', () => {
    // 2031-03-03 00:30 in Shanghai is still Sunday in UTC.
    const now = zonedEpoch({ year: 2031, month: 3, day: 3, hour: 0, minute: 30 }, TZ);
    expect(currentPeriod('0 0 * * 1', now, TZ)!.key).toBe('2031-03-03T00:00');
    expect(currentPeriod('0 0 * * 1', now, 'UTC')!.key).toBe('2031-02-24T00:00');
  });
});

describe('the scheduler', () => {
  let dir: string;
  let db: Db;
  let clock = new ManualClock();
  const log = createLogger('silent');
  const ran: string[] = [];
  const failures: string[] = [];

  const job = (name: string, cron: string, run: (now: number) => Promise<void> = async () => undefined): JobSpec => ({
    name,
    cron,
    run: async (now) => {
      ran.push(name);
      await run(now);
    },
  });
  const schedulerWith = (jobs: JobSpec[]) =>
    new Scheduler(db, clock, log, jobs, TZ, { reportFailure: async (name) => void failures.push(name) });
  const runsOf = (name: string) => db.selectFrom('job_runs').selectAll().where('job', '=', name).orderBy('id').execute();

  const open = async () => {
    db = openDatabase({ kind: 'sqlite', path: join(dir, 'linli.db') });
    await migrateToLatest(db);
  };

  beforeEach(() => {
    clock = new ManualClock();
  });

  afterEach(async () => {
    await db?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
    ran.length = 0;
    failures.length = 0;
  });

  it('a fresh install starts from the current period and runs a job when its time comes, not before', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    clock.set(MONDAY_8AM);
    const weekly = job('weekly', '0 9 * * 1');
    const scheduler = schedulerWith([weekly]);
    await scheduler.start({ cron: false });
    expect(ran).toEqual([]); // last Monday's run was never "missed": the bot did not exist
    expect((await runsOf('weekly')).map((r) => [r.period_key, r.status])).toEqual([['2031-02-24T09:00', 'skipped']]);

    clock.advance(59 * MINUTE);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(1 * MINUTE);
    expect(await scheduler.tick()).toEqual(['weekly']);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(6 * DAY);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(1 * DAY);
    expect(await scheduler.tick()).toEqual(['weekly']);
    expect((await runsOf('weekly')).map((r) => [r.period_key, r.status])).toEqual([
      ['2031-02-24T09:00', 'skipped'],
      ['2031-03-03T09:00', 'ok'],
      ['2031-03-10T09:00', 'ok'],
    ]);
  });

  it('a run missed while the bot was down is made up once at start-up, and a restart in the same period does not run it again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    clock.set(MONDAY_8AM + 2 * HOUR);
    const weekly = job('weekly', '0 9 * * 1');
    const daily = job('daily', '0 20 * * *');
    await schedulerWith([weekly, daily]).start({ cron: false });
    expect(ran).toEqual([]);

    // Down for three weeks and a half: each job is made up once, for its latest period.
    await db.destroy();
    clock.advance(24 * DAY);
    await open();
    await schedulerWith([weekly, daily]).start({ cron: false });
    expect(ran.sort()).toEqual(['daily', 'weekly']);

    // Restarted again an hour later: nothing is due that has not run.
    await db.destroy();
    clock.advance(HOUR);
    await open();
    await schedulerWith([weekly, daily]).start({ cron: false });
    expect(ran.sort()).toEqual(['daily', 'weekly']);
    expect((await runsOf('weekly')).filter((r) => r.status === 'ok')).toHaveLength(1);
  });

  it('two processes ticking the same database run a period once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    clock.set(MONDAY_8AM);
    const other = openDatabase({ kind: 'sqlite', path: join(dir, 'linli.db') });
    const weekly = job('weekly', '0 9 * * 1', () => new Promise((r) => setTimeout(r, 20)));
    const a = schedulerWith([weekly]);
    const b = new Scheduler(other, clock, log, [weekly], TZ);
    await a.start({ cron: false });
    await b.start({ cron: false });
    clock.advance(HOUR);
    const [ranA, ranB] = await Promise.all([a.tick(), b.tick()]);
    expect([...ranA, ...ranB]).toEqual(['weekly']);
    expect(ran).toEqual(['weekly']);
    await other.destroy();
  });

  it('a job that throws is recorded and reported, and the other jobs go on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    clock.set(MONDAY_8AM);
    const broken = job('broken', '*/5 * * * *', async () => {
      throw new Error('the printer is on fire');
    });
    const fine = job('fine', '*/5 * * * *');
    const scheduler = schedulerWith([broken, fine]);
    await scheduler.start({ cron: false });
    clock.advance(5 * MINUTE);
    expect(await scheduler.tick()).toEqual(['broken', 'fine']);
    expect(ran).toEqual(['broken', 'fine']);
    expect(failures).toEqual(['broken']);
    const [, failed] = await runsOf('broken');
    expect(failed).toMatchObject({ status: 'failed', error: 'the printer is on fire' });
    expect((await runsOf('fine')).at(-1)).toMatchObject({ status: 'ok' });
    // It is tried again in its next period, not in a loop.
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(5 * MINUTE);
    expect(await scheduler.tick()).toEqual(['broken', 'fine']);
  });

  it("forgets finished runs after a month, but never a job's claim on its current period", async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    clock.set(MONDAY_8AM);
    const minutely = job('minutely', '* * * * *');
    const yearly = job('yearly', '0 0 1 1 *');
    const scheduler = schedulerWith([minutely, yearly]);
    await scheduler.start({ cron: false });
    for (let i = 0; i < 3; i++) {
      clock.advance(MINUTE);
      await scheduler.tick();
    }
    expect(await runsOf('minutely')).toHaveLength(4);
    clock.advance(40 * DAY);
    await scheduler.tick();
    expect((await runsOf('minutely')).map((r) => r.period_key)).toEqual(['2031-03-03T08:03', '2031-04-12T08:03']);
    expect(await runsOf('yearly')).toHaveLength(1); // its only row is its claim on this year
    expect(await scheduler.tick()).toEqual([]);
  });

  it('takes the summary schedule from SUMMARY_CRON, Monday 09:00 by default', () => {
    expect(parseConfig({ BOT_TOKEN: '1:ABCDEFGHIJKLMN' }).summaryCron).toBe('0 9 * * 1');
    expect(parseConfig({ BOT_TOKEN: '1:ABCDEFGHIJKLMN', SUMMARY_CRON: '30 17 * * 5' }).summaryCron).toBe('30 17 * * 5');
    expect(() => parseConfig({ BOT_TOKEN: '1:ABCDEFGHIJKLMN', SUMMARY_CRON: 'fridays' })).toThrow(
      /^Configuration error: SUMMARY_CRON is not a cron expression/,
    );
  });

  it('refuses two jobs with one name and a bad cron expression at start-up', async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-jobs-'));
    await open();
    expect(() => schedulerWith([job('a', '* * * * *'), job('a', '0 * * * *')])).toThrow(/two scheduled jobs are named a/);
    expect(() => schedulerWith([job('b', 'every tuesday')])).toThrow(/invalid cron expression/);
  });
});
