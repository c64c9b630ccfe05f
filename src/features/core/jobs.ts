import type { CoreDeps } from '../../deps';
import type { JobSpec } from '../../jobs/job';
import { forgetProcessedUpdates } from './services';

export function coreJobs(deps: CoreDeps): JobSpec[] {
  return [{ name: 'forget-processed-updates', cron: '17 4 * * *', run: (now) => forgetProcessedUpdates(deps, now) }];
}
