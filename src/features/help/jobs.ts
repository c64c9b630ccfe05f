import type { JobSpec } from '../../jobs/job';
import type { HelpServices } from './services';

/** The help feature's scheduled jobs: they call services and never touch a chat. */
export const helpJobs = (s: HelpServices): JobSpec[] => [
  { name: 'help.checkins', cron: '*/10 * * * *', run: (now) => s.claims.runCheckins(now) },
  { name: 'help.recurring', cron: '5 * * * *', run: (now) => s.recurrence.postRecurring(now) },
  { name: 'help.expired-slots', cron: '*/10 * * * *', run: (now) => s.expiry.run(now) },
  { name: 'help.approvals', cron: '*/10 * * * *', run: (now) => s.approvals.remindOverdue(now) },
  { name: 'help.grid-fallback', cron: '* * * * *', run: (now) => s.approvals.fallBackToStaff(now) },
  { name: 'help.shift-hours', cron: '*/10 * * * *', run: (now) => s.shifts.runAttendance(now) },
  { name: 'help.shift-reminders', cron: '*/5 * * * *', run: (now) => s.shifts.remind(now) },
];
