import { localName, type Communities } from '../../../community/config';
import { bookingRef, type Booking } from '../../../domain/bookings';
import { formatDay, formatTime } from '../../../domain/help-time';
import type { InlineButton, InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { attendanceButton, bookingsDayButton, cancelBookingButton } from '../buttons';

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

/** The confirmation, saying which reminders will come (remindersSettledAtBooking left out any due too soon). */
export function bookedText(deps: BookingViewDeps, b: Booking, t: Translate, locale: Locale): string {
  const key = b.day_reminded_at === null ? 'booked' : b.hour_reminded_at === null ? 'booked_hour' : 'booked_soon';
  return t(`bookings.${key}`, { booking: bookingLine(deps, b, locale) });
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

/** A neighbouring day /bookings may move to: its yyyymmdd and its local midnight. */
export interface NearDay {
  key: number;
  start: number;
}

/** One day of /bookings: its bookings, the days to move to, and whether Came / No-show are offered. */
export interface DayPage {
  rows: DayRow[];
  /** The day's local midnight (dayBounds of its LocalDay): the list starts there, not at the minute it is drawn. */
  start: number;
  prev?: NearDay;
  next?: NearDay;
  /** Today's key, when the page shows another day. */
  today?: number;
  /** Up to today only: nobody has come to tomorrow's booking yet. */
  markable: boolean;
}

function dayNav(deps: BookingViewDeps, p: DayPage, t: Translate, locale: Locale): InlineButton[] {
  const tz = deps.config.timezone;
  const nav: InlineButton[] = [];
  if (p.prev) nav.push({ text: `◀️ ${formatDay(p.prev.start, locale, tz)}`, callback_data: bookingsDayButton.pack({ date: p.prev.key }) });
  if (p.today !== undefined) nav.push({ text: t('bookings.btn_today'), callback_data: bookingsDayButton.pack({ date: p.today }) });
  if (p.next) nav.push({ text: `${formatDay(p.next.start, locale, tz)} ▶️`, callback_data: bookingsDayButton.pack({ date: p.next.key }) });
  return nav;
}

/** Staff's list of one day: each booking with who booked, Came / No-show while unmarked (up to today), and the days around. */
export function dayList(deps: BookingViewDeps, p: DayPage, t: Translate, locale: Locale): { text: string; keyboard: InlineKeyboard } {
  const tz = deps.config.timezone;
  const day = formatDay(p.start, locale, tz);
  const lines = p.rows.map(
    (b) =>
      `${MARKS[b.status]} ${formatTime(b.starts_at, locale, tz)} ${escapeHtml(serviceName(deps, b, locale))} · ${escapeHtml(b.name)} (${bookingRef(b.id)})`,
  );
  const keyboard: InlineKeyboard = p.rows
    .filter((b) => p.markable && b.status === 'booked')
    .map((b) => [
      {
        text: t('bookings.btn_came', { ref: bookingRef(b.id), name: b.name }),
        callback_data: attendanceButton.pack({ id: b.id, came: 'y' }),
      },
      { text: t('bookings.btn_no_show'), callback_data: attendanceButton.pack({ id: b.id, came: 'n' }) },
    ]);
  const nav = dayNav(deps, p, t, locale);
  if (nav.length) keyboard.push(nav);
  const text = p.rows.length === 0 ? t('bookings.day_none', { day }) : [t('bookings.day_title', { day }), ...lines].join('\n');
  return { text, keyboard };
}
