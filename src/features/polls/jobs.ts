import type { CoreDeps } from '../../deps';
import type { JobSpec } from '../../jobs/job';
import { closeDuePolls, remindNonVoters } from './services/closing';

/** Every minute the polls whose time has come are closed; every ten minutes the day-before reminders (each poll claimed once). */
export const pollJobs = (deps: CoreDeps): JobSpec[] => [
  { name: 'polls.close', cron: '* * * * *', run: (now) => closeDuePolls(deps, now) },
  { name: 'polls.remind', cron: '*/10 * * * *', run: (now) => remindNonVoters(deps, now) },
];
