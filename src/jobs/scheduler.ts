import cron, { type ScheduledTask } from 'node-cron';
import type { JobSpec } from '../bot/feature';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';

/**
 * Runs the features' scheduled jobs with node-cron in the configured time zone. A job that
 * throws is logged and the others go on.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly jobs: JobSpec[],
    private readonly timezone: string,
  ) {}

  async start(opts: { cron: boolean }): Promise<void> {
    if (!opts.cron) return;
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, () => void this.run(job), { timezone: this.timezone, name: job.name }));
    }
  }

  stop(): void {
    for (const t of this.tasks) void t.stop();
    this.tasks = [];
  }

  /** Runs one job now; never throws. */
  async run(job: JobSpec): Promise<boolean> {
    try {
      await job.run(this.clock.now());
      return true;
    } catch (err) {
      this.log.error({ err, job: job.name }, 'scheduled job failed');
      return false;
    }
  }

  /** Runs every job once, as a test or the sandbox's time control does after moving the clock. */
  async runAll(): Promise<void> {
    for (const job of this.jobs) await this.run(job);
  }

  get database(): Db {
    return this.db;
  }
}
