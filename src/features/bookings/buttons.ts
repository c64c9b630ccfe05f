import { callbackCodec } from '../../bot/callback';

/** The bookings' buttons. */

/** The resident cancels one of their bookings. */
export const cancelBookingButton = callbackCodec('kc', { id: 'id' });
/** Staff mark a booking: y came, n did not come. */
export const attendanceButton = callbackCodec('ka', { id: 'id', came: ['y', 'n'] });
/** Staff: /bookings of another day, as yyyymmdd in TIMEZONE. */
export const bookingsDayButton = callbackCodec('kd', { date: 'int' });
