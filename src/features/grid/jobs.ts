import type { JobSpec } from '../../jobs/job';
import type { HazardDeps } from '../hazards/services';
import { fallBackToGroup } from './services/fallback';
import { remindHandUps } from './services/handups';

/** The grid feature's scheduled jobs: a responder's unacknowledged report to the group; overdue hand-ups reminded. */
export function gridJobs(deps: HazardDeps): JobSpec[] {
  return [
    { name: 'grid.fallback', cron: '* * * * *', run: (now) => fallBackToGroup(deps, now).then(() => undefined) },
    { name: 'grid.handups', cron: '13 * * * *', run: (now) => remindHandUps(deps, now).then(() => undefined) },
  ];
}
