import type { CoreDeps } from '../../deps';
import type { JobSpec } from '../../jobs/job';
import { sendReminders } from './services/events';

/** Every ten minutes: the reminders that are due (each is claimed once, so a late run sends it once). */
export const noticeJobs = (deps: CoreDeps): JobSpec[] => [
  { name: 'notices.event_reminders', cron: '*/10 * * * *', run: (now) => sendReminders(deps, now) },
];
