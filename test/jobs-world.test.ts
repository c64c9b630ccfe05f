import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/clock';
import { currentPeriod } from '../src/jobs/cron-period';
import { jobFailureReporter } from '../src/jobs/report-failure';
import { Scheduler } from '../src/jobs/scheduler';
import { zonedEpoch } from '../src/zoned-time';
import { startWorld, ADMIN_ID, type World } from './helpers/world';

/** The scheduler inside the running app: every feature's jobs on time, failures told to the admin, the monthly thanks. */

const TZ = 'Asia/Shanghai';

/** The first minute after `now` that starts a new period of the expression. */
function nextDue(cron: string, now: number): number {
  const current = currentPeriod(cron, now, TZ)?.key;
  let t = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  while (currentPeriod(cron, t, TZ)?.key === current) t += MINUTE;
  return t;
}

describe('scheduled jobs in the app', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.staff('Wang'); // the admin has talked to the bot by now
  });

  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('every reminder and escalation job runs at its time and not before', async () => {
    const { scheduler } = world.app;
    const frequent = scheduler.jobs.filter((j) => !['summary.weekly', 'summary.thanks'].includes(j.name));
    expect(frequent.map((j) => j.name)).toEqual(
      expect.arrayContaining(['hazards.pages', 'hazards.overdue', 'hazards.fix-timeout', 'notices.event_reminders', 'summary.files']),
    );
    for (const job of frequent) {
      const due = nextDue(job.cron, world.clock.now());
      world.clock.set(due - 30_000);
      await scheduler.tick(); // whatever else is due by now
      expect(await scheduler.tick(), `${job.name} before ${job.cron}`).not.toContain(job.name);
      world.clock.set(due);
      expect(await scheduler.tick(), `${job.name} at ${job.cron}`).toContain(job.name);
    }
  });

  it('a failing job is told to the admin in their language, and the jobs after it still run', async () => {
    const ran: string[] = [];
    const scheduler = new Scheduler(
      world.db,
      world.clock,
      world.app.deps.log,
      [
        {
          name: 'test.broken',
          cron: '* * * * *',
          run: async () => {
            throw new Error('disk <full>');
          },
        },
        { name: 'test.fine', cron: '* * * * *', run: async () => void ran.push('fine') },
      ],
      TZ,
      { reportFailure: jobFailureReporter(world.app.deps) },
    );
    await scheduler.start({ cron: false });
    world.clock.advance(MINUTE);
    expect(await scheduler.tick()).toEqual(['test.broken', 'test.fine']);
    expect(ran).toEqual(['fine']);
    await world.flush();
    const admin = world.admin();
    // The admin also gets the weekly ranking of the communities (dashboard.street), so the warning is found by its sign.
    const warning = admin
      .inbox()
      .filter((m) => m.text?.startsWith('⚠️'))
      .at(-1)!;
    expect(warning.text).toBe(
      '⚠️ The scheduled job test.broken failed: disk <full>\nThe other jobs went on; it will run again at its next time.',
    );
    expect(warning.raw).toContain('disk &lt;full&gt;');
    expect(ADMIN_ID).toBe(admin.id);
  });

  it('on the first of the month each team group thanks its most active volunteers who agreed to be named', async () => {
    const staff = await world.staff('Li');
    const group = world.emu.group({ title: '助老服务队', admins: [staff] });
    await staff.send('/link team elder', { in: group });
    const month = (day: number, hour: number) => zonedEpoch({ year: 2032, month: 5, day, hour }, TZ);
    const people = [
      [8_000_001, '陈静', 1, 300],
      [8_000_002, '刘洋', 0, 600], // the most hours, but did not agree to be named
      [8_000_003, '赵敏', 1, 90],
      [8_000_004, '周杰', 1, 45],
      [8_000_005, '吴芳', 1, 30],
    ] as const;
    for (const [id, name, agreed, minutes] of people) {
      await world.db
        .insertInto('users')
        .values({
          id,
          first_name: name,
          username: null,
          locale: 'zh-CN',
          role: 'volunteer',
          community_id: 'meiyuan',
          building_id: 'b1',
          unit: null,
          phone: null,
          privacy_accepted_at: month(1, 9),
          created_at: month(1, 9),
          updated_at: month(1, 9),
        })
        .execute();
      await world.db
        .insertInto('team_members')
        .values({
          user_id: id,
          community_id: 'meiyuan',
          team_id: 'elder',
          role: 'member',
          status: 'approved',
          skills: null,
          availability: null,
          phone: null,
          agreed_to_be_named: agreed,
          created_at: month(1, 9),
          decided_at: month(1, 9),
          decided_by: null,
        })
        .execute();
      const shift = await world.db
        .insertInto('shifts')
        .values({
          community_id: 'meiyuan',
          team_id: 'elder',
          zone: 'A',
          starts_at: month(10, 9),
          ends_at: month(10, 12),
          places: 5,
          taken: 5,
          created_by: null,
          created_at: month(1, 9),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await world.db
        .insertInto('hours')
        .values({
          volunteer_id: id,
          community_id: 'meiyuan',
          task_id: null,
          shift_id: Number(shift.id),
          minutes,
          corrected_minutes: null,
          approved: 1,
          at: month(10, 12),
        })
        .execute();
    }
    world.clock.set(zonedEpoch({ year: 2032, month: 6, day: 1, hour: 9, minute: 59 }, TZ));
    await world.app.scheduler.tick();
    world.clock.advance(MINUTE);
    expect(await world.app.scheduler.tick()).toContain('summary.thanks');
    await world.flush();
    const thanks = group.messages().find((m) => m.text?.startsWith('🌟'))!;
    expect(thanks.text).toBe(
      '🌟 感谢为老服务队！\n2032年5月，我们的志愿者共为邻里服务 17.8 小时。特别感谢：\n  · 陈静：5 小时\n  · 赵敏：1.5 小时\n  · 周杰：0.8 小时\n每一小时都很珍贵，谢谢大家！',
    );
    expect(thanks.text).not.toContain('刘洋');
  });
});
