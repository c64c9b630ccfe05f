import type { Selectable } from 'kysely';
import { DAY, HOUR, MINUTE } from '../clock';
import type { BookableService } from '../community/config';
import type { Executor } from '../store/db';
import type { BookingsTable } from '../store/schema/ask';
import { addDays, daysBetween, isoDate, localDay, wallClock, zonedEpoch, type LocalDay } from '../zoned-time';
import { audit } from './audit';
import { parseHours, slotStarts } from './office-hours';

/**
 * The service hall's bookings. A slot of a service holds `capacity` people; each booking
 * takes a seat number, unique per slot while it stands, so the last place goes to exactly one
 * of two residents pressing at once (the other's insert meets the unique index). A cancelled
 * booking gives its seat back (seat NULL).
 */

export type Booking = Selectable<BookingsTable>;

/** How many days ahead a resident may book, today included. */
export const BOOKING_DAYS = 7;

export interface Slot {
  start: number;
  end: number;
  taken: number;
}

export const bookingRef = (id: number) => `B-${id}`;

/** The local days (from today) that have a slot still to come, up to BOOKING_DAYS. */
export function bookableDays(service: BookableService, now: number, timeZone: string, holidays: readonly string[]) {
  const today = wallClock(now, timeZone);
  const days: { year: number; month: number; day: number; start: number }[] = [];
  for (let i = 0; i < BOOKING_DAYS; i++) {
    const day = addDays(today, i);
    const starts = slotStarts(parseHours(service.hours)!, day, service.durationMinutes, timeZone, holidays).filter((s) => s > now);
    if (starts.length > 0) days.push({ ...day, start: zonedEpoch(day, timeZone) });
  }
  return days;
}

/**
 * The days ahead (as bookableDays counts them) on which the service would have had a slot but for
 * a holiday in the config: what the resident is told when no slot is offered on them.
 */
export function holidayClosures(service: BookableService, now: number, timeZone: string, holidays: readonly string[]): number[] {
  const today = wallClock(now, timeZone);
  const closed: number[] = [];
  for (let i = 0; i < BOOKING_DAYS; i++) {
    const day = addDays(today, i);
    if (!holidays.includes(isoDate(day))) continue;
    const starts = slotStarts(parseHours(service.hours)!, day, service.durationMinutes, timeZone, []).filter((s) => s > now);
    if (starts.length > 0) closed.push(zonedEpoch(day, timeZone));
  }
  return closed;
}

/** The slots of one local day still to come, with how many places each has taken. */
export async function slotsOfDay(
  db: Executor,
  communityId: string,
  service: BookableService,
  dayStart: number,
  now: number,
  timeZone: string,
  holidays: readonly string[],
): Promise<Slot[]> {
  const local = wallClock(dayStart + HOUR, timeZone);
  const starts = slotStarts(parseHours(service.hours)!, local, service.durationMinutes, timeZone, holidays).filter((s) => s > now);
  if (starts.length === 0) return [];
  const taken = await db
    .selectFrom('bookings')
    .select(['starts_at', (eb) => eb.fn.countAll<number>().as('n')])
    .where('community_id', '=', communityId)
    .where('service_id', '=', service.id)
    .where('status', '=', 'booked')
    .where('starts_at', '>=', starts[0])
    .where('starts_at', '<=', starts.at(-1)!)
    .groupBy('starts_at')
    .execute();
  const count = new Map(taken.map((t) => [Number(t.starts_at), Number(t.n)]));
  return starts.map((start) => ({ start, end: start + service.durationMinutes * MINUTE, taken: count.get(start) ?? 0 }));
}

export type BookResult = { ok: true; booking: Booking } | { ok: false; reason: 'full' | 'already' };

/** Takes the lowest free seat of the slot; "full" when every seat is taken, "already" when this resident holds one. */
export async function bookSlot(
  db: Executor,
  now: number,
  b: { communityId: string; service: BookableService; userId: number; start: number },
  timeZone: string,
): Promise<BookResult> {
  const held = await db
    .selectFrom('bookings')
    .selectAll()
    .where('community_id', '=', b.communityId)
    .where('service_id', '=', b.service.id)
    .where('starts_at', '=', b.start)
    .where('status', '=', 'booked')
    .execute();
  if (held.some((h) => h.user_id === b.userId)) return { ok: false, reason: 'already' };
  const taken = new Set(held.map((h) => h.seat));
  for (let seat = 1; seat <= b.service.capacity; seat++) {
    if (taken.has(seat)) continue;
    const row = await db
      .insertInto('bookings')
      .values({
        community_id: b.communityId,
        service_id: b.service.id,
        user_id: b.userId,
        starts_at: b.start,
        ends_at: b.start + b.service.durationMinutes * MINUTE,
        seat,
        status: 'booked',
        created_at: now,
        cancelled_at: null,
        marked_at: null,
        ...remindersSettledAtBooking(b.start, now, timeZone),
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      await audit(db, now, b.userId, 'booking.book', `booking:${row.id}`, { service: b.service.id, start: b.start });
      return { ok: true, booking: row };
    }
  }
  return { ok: false, reason: 'full' };
}

export function findBooking(db: Executor, id: number): Promise<Booking | undefined> {
  return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The resident cancels a booking still to come: its seat is free again. */
export async function cancelBooking(db: Executor, now: number, id: number, userId: number): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ status: 'cancelled', seat: null, cancelled_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'booked')
    .where('starts_at', '>', now)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await audit(db, now, userId, 'booking.cancel', `booking:${id}`, {});
  return true;
}

/** Staff mark who came; a booking is marked once (a second press changes nothing). */
export async function markAttendance(db: Executor, now: number, id: number, came: boolean, by: number): Promise<boolean> {
  const r = await db
    .updateTable('bookings')
    .set({ status: came ? 'attended' : 'no_show', marked_at: now })
    .where('id', '=', id)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await audit(db, now, by, came ? 'booking.attended' : 'booking.no_show', `booking:${id}`, {});
  return true;
}

export function upcomingBookingsOf(db: Executor, userId: number, now: number) {
  return db
    .selectFrom('bookings')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'booked')
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .execute();
}

/** A community's bookings in [from, to) (a local day), every status but cancelled, in time order. */
export function bookingsBetween(db: Executor, communityId: string, from: number, to: number) {
  return db
    .selectFrom('bookings')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('status', '!=', 'cancelled')
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .orderBy('seat')
    .execute();
}

/** How many days back and ahead of today /bookings pages; a forged date past them is stale. */
export const LOOK_DAYS = 31;

/** A day as /bookings' buttons carry it: yyyymmdd. */
export const dayKey = (d: LocalDay) => d.year * 10000 + d.month * 100 + d.day;

/** A button's yyyymmdd as a day within LOOK_DAYS of today; undefined for a date that is not one, or too far. */
export function dayOfKey(key: number, now: number, timeZone: string): LocalDay | undefined {
  const d = { year: Math.floor(key / 10000), month: Math.floor(key / 100) % 100, day: key % 100 };
  const real = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (real.getUTCFullYear() !== d.year || real.getUTCMonth() !== d.month - 1 || real.getUTCDate() !== d.day) return undefined;
  return Math.abs(daysBetween(localDay(now, timeZone), d)) <= LOOK_DAYS ? d : undefined;
}

/** A local day's span [start, end): midnight to the next midnight (23 or 25 hours across a DST change). */
export function dayBounds(day: LocalDay, timeZone: string): { start: number; end: number } {
  return { start: zonedEpoch(day, timeZone), end: zonedEpoch(addDays(day, 1), timeZone) };
}

/** Whether staff may mark who came yet: not before the booking's own day (nobody has come to tomorrow's). */
export function markableYet(startsAt: number, now: number, timeZone: string): boolean {
  return startsAt < dayBounds(localDay(now, timeZone), timeZone).end;
}

/**
 * A reminder due less than this after the booking is never sent. Decision: the confirmation the
 * resident has just read says it all, and "in an hour" would be untrue for a slot 20 minutes away
 * (or one already begun when the five-minutely job comes round). So a booking made within an hour
 * and a quarter of its start gets no "in an hour" reminder, and one made after 19:45 the evening
 * before none for that evening; the confirmation says which reminders will come (bookedText).
 */
export const REMINDER_MIN_GAP = 15 * MINUTE;

/** The reminders a new booking is born with as sent (their moment passed, or comes too soon). */
export function remindersSettledAtBooking(start: number, now: number, timeZone: string) {
  const tooSoon = (at: number) => at - now < REMINDER_MIN_GAP;
  return {
    day_reminded_at: tooSoon(dayReminderAt(start, timeZone)) ? now : null,
    hour_reminded_at: tooSoon(start - HOUR) ? now : null,
  };
}

/** The day-before reminder goes at 20:00 local time the evening before. */
export function dayReminderAt(start: number, timeZone: string): number {
  const day = addDays(wallClock(start, timeZone), -1);
  return zonedEpoch({ ...day, hour: 20 }, timeZone);
}

export type ReminderKind = 'day' | 'hour';

/** Bookings due a reminder at `now`: the evening before, and within the hour before the start. */
export async function dueReminders(db: Executor, now: number, timeZone: string): Promise<{ booking: Booking; kind: ReminderKind }[]> {
  const rows = await db
    .selectFrom('bookings')
    .selectAll()
    .where('status', '=', 'booked')
    .where('starts_at', '>', now)
    .where('starts_at', '<=', now + DAY + 5 * HOUR)
    .where((eb) => eb.or([eb('day_reminded_at', 'is', null), eb('hour_reminded_at', 'is', null)]))
    .execute();
  const due: { booking: Booking; kind: ReminderKind }[] = [];
  for (const b of rows) {
    if (b.hour_reminded_at === null && now >= b.starts_at - HOUR) due.push({ booking: b, kind: 'hour' });
    else if (b.day_reminded_at === null && now >= dayReminderAt(b.starts_at, timeZone)) due.push({ booking: b, kind: 'day' });
  }
  return due;
}

/** Takes one reminder of a booking (once across processes); the hour's reminder also settles the evening's. */
export async function takeReminder(db: Executor, now: number, id: number, kind: ReminderKind): Promise<boolean> {
  const column = kind === 'day' ? 'day_reminded_at' : 'hour_reminded_at';
  const r = await db
    .updateTable('bookings')
    .set(kind === 'hour' ? { hour_reminded_at: now, day_reminded_at: now } : { day_reminded_at: now })
    .where('id', '=', id)
    .where('status', '=', 'booked')
    .where(column, 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The week's bookings of the service hall that were due: who came, who did not (as staff marked them). */
export async function bookingFigures(db: Executor, communityId: string, w: { start: number; end: number }) {
  const rows = await db
    .selectFrom('bookings')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('community_id', '=', communityId)
    .where('starts_at', '>=', w.start)
    .where('starts_at', '<', w.end)
    .where('status', 'in', ['attended', 'no_show'])
    .groupBy('status')
    .execute();
  const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { attended: of('attended'), noShows: of('no_show') };
}
