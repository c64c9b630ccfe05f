import type { Generated } from 'kysely';

/** Row types of the scheduler's and the summary's tables (see migrations/005_jobs.ts). */

export type JobRunStatus = 'running' | 'ok' | 'failed' | 'skipped';

/** One run of a scheduled job. (job, period_key) is unique: a period is claimed by one insert. */
export interface JobRunsTable {
  id: Generated<number>;
  job: string;
  /** The local due time of the period ("2026-11-30T09:00"), or "manual:…" for a run by hand. */
  period_key: string;
  due_at: number;
  started_at: number;
  finished_at: number | null;
  status: JobRunStatus;
  error: string | null;
}

export type SummaryFileStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * Files (the chart PNG, the ledger CSV) waiting to be uploaded to a group. The outbox carries
 * JSON only, so the bytes wait here; see src/features/summary/services/files.ts for the sender.
 */
export interface SummaryFilesTable {
  id: Generated<number>;
  chat_id: number;
  kind: 'photo' | 'document';
  filename: string;
  caption: string;
  /** Emptied (null) once sent. */
  bytes: Buffer | null;
  /** Sent only after the outbox message with this ref is delivered, as a reply to it. */
  after_ref: string | null;
  status: Generated<SummaryFileStatus>;
  attempts: Generated<number>;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface JobTables {
  job_runs: JobRunsTable;
  summary_files: SummaryFilesTable;
}
