import type { Feature } from '../../bot/feature';
import { dashboardCommand } from './handlers/dashboard';
import { dashboardJobs } from './jobs';

/**
 * The staff dashboard: web pages served by the bot's HTTP server (routes.ts, wired in by
 * src/app.ts), opened from Telegram as a Mini App by /dashboard and the staff's chat menu
 * button; and the street office's weekly ranking of the communities, sent to the admins.
 */
export const dashboardFeature: Feature = (deps) => ({
  name: 'dashboard',
  commands: [
    {
      name: 'dashboard',
      minRole: 'staff',
      chat: 'private',
      description: 'dashboard.cmd_dashboard',
      run: dashboardCommand(deps),
    },
  ],
  jobs: dashboardJobs(deps),
});
