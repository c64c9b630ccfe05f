import { FlatComposer } from '../../bot/chain';
import { bookFlow } from '../../../flows/bookings/book';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { onAttendance, onBookingsDay, onCancelBooking, showDay, startBooking, type BookingsEnv } from './handlers/bookings';
import { bookingJobs } from './jobs';
import { bookingsPrivacy } from './privacy';

/** The service hall's bookings: /book for residents (slots with capacity, reminders, cancel), /bookings for staff (the day's list, attendance). */
export const bookingsFeature: Feature = (deps, bot) => {
  const env: BookingsEnv = { deps, bot, book: bookFlow(deps) };
  const composer = new FlatComposer<BotContext>();
  onCancelBooking(composer, env);
  onAttendance(composer, env);
  onBookingsDay(composer, env);
  return {
    name: 'bookings',
    composer,
    flows: [env.book],
    commands: [
      { name: 'book', minRole: 'resident', chat: 'private', description: 'bookings.cmd_book', run: (ctx) => startBooking(env, ctx) },
      { name: 'bookings', minRole: 'staff', chat: 'private', description: 'bookings.cmd_bookings', run: (ctx) => showDay(env, ctx) },
    ],
    jobs: bookingJobs(deps),
    privacy: bookingsPrivacy(deps),
  };
};
