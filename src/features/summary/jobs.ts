import type { CoreDeps } from '../../deps';
import type { JobSpec } from '../../jobs/job';
import { uploadSummaryFiles } from './services/files';
import { sendMonthlyThanks } from './services/thanks';
import { sendWeeklySummaries } from './services/weekly';

/** The summary's scheduled jobs: none touches a chat, each calls one service. */
export function summaryJobs(deps: CoreDeps): JobSpec[] {
  return [
    { name: 'summary.weekly', cron: deps.config.summaryCron, run: (now) => sendWeeklySummaries(deps, now) },
    // Uploads the summary files whose text has gone out.
    { name: 'summary.files', cron: '* * * * *', run: (now) => uploadSummaryFiles(deps, now) },
    { name: 'summary.thanks', cron: '0 10 1 * *', run: (now) => sendMonthlyThanks(deps, now) },
  ];
}
