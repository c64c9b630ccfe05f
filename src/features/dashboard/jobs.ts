import type { CoreDeps } from '../../deps';
import type { JobSpec } from '../../jobs/job';
import { syncMenuButtons } from './services/menus';
import { sendStreetRanking } from './services/weekly';

export function dashboardJobs(deps: CoreDeps): JobSpec[] {
  return [
    // New staff get the menu button, former staff lose it, within ten minutes.
    { name: 'dashboard.menus', cron: '*/10 * * * *', run: () => syncMenuButtons(deps) },
    { name: 'dashboard.street', cron: deps.config.summaryCron, run: (now) => sendStreetRanking(deps, now) },
  ];
}
