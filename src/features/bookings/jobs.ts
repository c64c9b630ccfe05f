import type { JobSpec } from '../../jobs/job';
import { sendBookingReminders, type BookingDeps } from './services/reminders';

export function bookingJobs(deps: BookingDeps): JobSpec[] {
  return [{ name: 'bookings.reminders', cron: '*/5 * * * *', run: (now) => sendBookingReminders(deps, now) }];
}
