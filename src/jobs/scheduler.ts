import { randomBytes } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { JobSpec } from './job';
import { DAY, type Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { currentPeriod, type Period } from './cron-period';

/**
 * Runs the features' scheduled jobs in the configured time zone, by the app's clock.
 *
 * Each job's cron expression divides time into periods (see cron-period.ts). tick() runs every
 * job whose current period has not been claimed yet; the claim is one INSERT into job_runs
 * with a unique (job, period_key), so a restart or a second process within the same period
 * never runs it twice. At start-up tick() makes up a missed period once (only the latest: a
 * summary missed for three weeks is sent once, not three times). A run is at most once: a
 * crash during a run leaves it "running" and the next period runs normally.
 * In production a node-cron timer calls tick() every minute; tests move a ManualClock and
 * call tick() themselves.
 */

const RUNS_KEPT_MS = 30 * DAY;

export interface SchedulerHooks {
  /** Tells people (the admins, through the outbox) that a job failed. Must not throw. */
  reportFailure?(job: string, error: unknown, now: number): Promise<void>;
  /** Told each run's outcome (for /metrics). */
  onRun?(job: string, status: 'ok' | 'failed'): void;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private ticking?: Promise<string[]>;
  private prunedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly jobs: JobSpec[],
    private readonly timezone: string,
    private readonly hooks: SchedulerHooks = {},
  ) {
    const names = new Set<string>();
    for (const job of jobs) {
      if (names.has(job.name)) throw new Error(`two scheduled jobs are named ${job.name}`);
      names.add(job.name);
      if (!cron.validate(job.cron)) throw new Error(`scheduled job ${job.name} has an invalid cron expression "${job.cron}"`);
    }
  }

  /**
   * Makes up missed runs, then (with cron) ticks every minute. A job the database has never
   * seen starts from the current period: a fresh install has missed nothing.
   */
  async start(opts: { cron: boolean }): Promise<void> {
    await this.baseline();
    await this.tick();
    if (!opts.cron) return;
    this.tasks.push(
      cron.schedule('* * * * *', () => void this.tick().catch((err) => this.log.error({ err }, 'scheduler tick failed')), {
        timezone: this.timezone,
        name: 'linli-scheduler',
        noOverlap: true,
      }),
    );
  }

  /** Stops the timers and waits for a run in progress, so the stores are not closed under a job. */
  async stop(): Promise<void> {
    for (const t of this.tasks) void t.stop();
    this.tasks = [];
    await this.ticking?.catch(() => undefined);
  }

  /** The period a job is in now, by the app's clock. */
  period(job: JobSpec, now = this.clock.now()): Period | undefined {
    return currentPeriod(job.cron, now, this.timezone);
  }

  /** Runs every job whose period has come and is not yet claimed; answers the names that ran. */
  tick(): Promise<string[]> {
    // A tick still running (a long summary) is joined, not overlapped.
    this.ticking ??= this.tickOnce().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async tickOnce(): Promise<string[]> {
    await this.prune();
    const ran: string[] = [];
    for (const job of this.jobs) {
      const now = this.clock.now();
      const period = this.period(job, now);
      if (!period) continue;
      const runId = await this.claim(job.name, period, now, 'running');
      if (runId === undefined) continue;
      await this.execute(job, runId);
      ran.push(job.name);
    }
    return ran;
  }

  /** Runs one job now, whatever its schedule (tests, the sandbox's time control); never throws. */
  async run(job: JobSpec): Promise<boolean> {
    const now = this.clock.now();
    const runId = await this.claim(job.name, { key: `manual:${now}:${randomBytes(4).toString('hex')}`, dueAt: now }, now, 'running');
    return this.execute(job, runId!);
  }

  /** Runs every job once, as a test or the sandbox's time control does after moving the clock. */
  async runAll(): Promise<void> {
    for (const job of this.jobs) await this.run(job);
  }

  get database(): Db {
    return this.db;
  }

  /** Claims a period with one INSERT; undefined when another run (or process) has it already. */
  private async claim(job: string, period: Period, now: number, status: 'running' | 'skipped'): Promise<number | undefined> {
    const row = await this.db
      .insertInto('job_runs')
      .values({
        job,
        period_key: period.key,
        due_at: period.dueAt,
        started_at: now,
        finished_at: status === 'skipped' ? now : null,
        status,
        error: null,
      })
      .onConflict((oc) => oc.columns(['job', 'period_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  private async baseline(): Promise<void> {
    const now = this.clock.now();
    const known = new Set((await this.db.selectFrom('job_runs').select('job').distinct().execute()).map((r) => r.job));
    for (const job of this.jobs) {
      const period = this.period(job, now);
      if (!known.has(job.name) && period) await this.claim(job.name, period, now, 'skipped');
    }
  }

  /**
   * Minute jobs leave ~1,440 rows a day each: once a day, forget finished runs older than
   * RUNS_KEPT_MS, but never a job's latest row (its claim on the current period).
   */
  private async prune(): Promise<void> {
    const now = this.clock.now();
    if (now - this.prunedAt < DAY) return;
    this.prunedAt = now;
    await this.db
      .deleteFrom('job_runs')
      .where('started_at', '<', now - RUNS_KEPT_MS)
      .where('status', 'in', ['ok', 'skipped'])
      .where('id', 'not in', (eb) =>
        eb
          .selectFrom('job_runs as latest')
          .select((l) => l.fn.max('latest.id').as('id'))
          .groupBy('latest.job'),
      )
      .execute();
  }

  private async execute(job: JobSpec, runId: number): Promise<boolean> {
    const now = this.clock.now();
    try {
      await job.run(now);
      await this.finish(runId, 'ok', null);
      this.hooks.onRun?.(job.name, 'ok');
      return true;
    } catch (err) {
      this.log.error({ err, job: job.name }, 'scheduled job failed');
      this.hooks.onRun?.(job.name, 'failed');
      await this.finish(runId, 'failed', err instanceof Error ? err.message : String(err)).catch((e) =>
        this.log.error({ err: e }, 'recording a job run failed'),
      );
      await this.hooks
        .reportFailure?.(job.name, err, now)
        .catch((e) => this.log.error({ err: e, job: job.name }, 'reporting a failed job failed'));
      return false;
    }
  }

  private async finish(runId: number, status: 'ok' | 'failed', error: string | null): Promise<void> {
    await this.db
      .updateTable('job_runs')
      .set({ status, error: error?.slice(0, 1000) ?? null, finished_at: this.clock.now() })
      .where('id', '=', runId)
      .execute();
  }
}
