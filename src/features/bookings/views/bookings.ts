import { localName, type Communities } from '../../../community/config';
import { bookingRef, type Booking } from '../../../domain/bookings';
import { formatDay, formatTime } from '../../../domain/help-time';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { attendanceButton, cancelBookingButton } from '../buttons';

/** What bookings look like: a booking's line, the resident's list with Cancel, and staff's day list with attendance. */

export interface BookingViewDeps {
  communities: Communities;
  config: { timezone: string };
}

export function serviceName(deps: BookingViewDeps, b: Pick<Booking, 'community_id' | 'service_id'>, locale: Locale): string {
  const s = deps.communities.bookableService(b.community_id, b.service_id);
  return s ? localName(s.name, locale) : b.service_id;
}

export function whenText(deps: BookingViewDeps, start: number, end: number, locale: Locale): string {
  const tz = deps.config.timezone;
  return `${formatDay(start, locale, tz)} ${formatTime(start, locale, tz)}–${formatTime(end, locale, tz)}`;
}

/** "B-3 Service hall · Wed 2 Dec 09:00–09:30" */
export function bookingLine(deps: BookingViewDeps, b: Booking, locale: Locale): string {
  return `${bookingRef(b.id)} ${escapeHtml(serviceName(deps, b, locale))} · ${whenText(deps, b.starts_at, b.ends_at, locale)}`;
}

export const cancelKeyboard = (b: Booking, t: Translate): InlineKeyboard => [
  [{ text: t('bookings.btn_cancel', { ref: bookingRef(b.id) }), callback_data: cancelBookingButton.pack({ id: b.id }) }],
];

export function myBookings(
  deps: BookingViewDeps,
  rows: Booking[],
  t: Translate,
  locale: Locale,
): { text: string; keyboard: InlineKeyboard } {
  return {
    text: [t('bookings.mine_title'), ...rows.map((b) => bookingLine(deps, b, locale))].join('\n'),
    keyboard: rows.flatMap((b) => cancelKeyboard(b, t)),
  };
}

export interface DayRow extends Booking {
  name: string;
}

const MARKS: Record<Booking['status'], string> = { booked: '⏳', attended: '✅', no_show: '❌', cancelled: '✖️' };

/** Staff's list of one day: each booking with who booked, and Came / No-show while unmarked. */
export function dayList(deps: BookingViewDeps, rows: DayRow[], t: Translate, locale: Locale): { text: string; keyboard: InlineKeyboard } {
  if (rows.length === 0) return { text: t('bookings.day_none'), keyboard: [] };
  const tz = deps.config.timezone;
  const lines = rows.map(
    (b) =>
      `${MARKS[b.status]} ${formatTime(b.starts_at, locale, tz)} ${escapeHtml(serviceName(deps, b, locale))} · ${escapeHtml(b.name)} (${bookingRef(b.id)})`,
  );
  const keyboard = rows
    .filter((b) => b.status === 'booked')
    .map((b) => [
      {
        text: t('bookings.btn_came', { ref: bookingRef(b.id), name: b.name }),
        callback_data: attendanceButton.pack({ id: b.id, came: 'y' }),
      },
      { text: t('bookings.btn_no_show'), callback_data: attendanceButton.pack({ id: b.id, came: 'n' }) },
    ]);
  return { text: [t('bookings.day_title', { day: formatDay(rows[0].starts_at, locale, tz) }), ...lines].join('\n'), keyboard };
}
