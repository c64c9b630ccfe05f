/** A scheduled job a feature contributes; the scheduler runs it (src/jobs/scheduler.ts). */
export interface JobSpec {
  name: string;
  /** node-cron expression in the configured time zone. */
  cron: string;
  run(now: number): Promise<void>;
}
