import { DAY, HOUR } from '../clock';
import { wallClock, zonedEpoch } from '../zoned-time';
import type { Db, Executor, Tx } from '../store/db';
import type { Audience } from '../store/schema/delivery';
import { audit } from './audit';

/**
 * Events (文体活动, 讲座, 义诊, 邻里节): RSVPs with a capacity and a waiting list, attendance
 * and a 1–5 rating afterwards, reminders the day before and two hours before.
 * Places are counted in events.going and only moved by guarded UPDATEs, so two people pressing
 * "Going" for the last place at the same instant (even in two processes) cannot both get it.
 */

export const REMIND_DAY_BEFORE = DAY;
export const REMIND_SOON = 2 * HOUR;

export interface NewEvent {
  communityId: string;
  title: string;
  description: string;
  place: string;
  startsAt: number;
  capacity: number | null;
  rsvpDeadline: number;
  audience: Audience;
  createdBy: number;
}

export async function createEvent(tx: Executor, now: number, e: NewEvent): Promise<number> {
  const row = await tx
    .insertInto('events')
    .values({
      community_id: e.communityId,
      title: e.title,
      description: e.description,
      place: e.place,
      starts_at: e.startsAt,
      capacity: e.capacity,
      rsvp_deadline: e.rsvpDeadline,
      status: 'open',
      audience: JSON.stringify(e.audience),
      created_by: e.createdBy,
      created_at: now,
      reminded_day_at: null,
      reminded_soon_at: null,
      rating_asked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await audit(tx, now, e.createdBy, 'event.create', `event:${id}`, { community: e.communityId, capacity: e.capacity });
  return id;
}

export function findEvent(db: Executor, id: number) {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}
export type EventRow = NonNullable<Awaited<ReturnType<typeof findEvent>>>;

/** Tells someone, inside the same transaction, that a place freed up for them. */
export type PromotionNotice = (tx: Tx, userId: number, event: EventRow) => Promise<void>;

export type GoingResult =
  { outcome: 'going' | 'already_going' } | { outcome: 'waiting' | 'already_waiting'; position: number } | { outcome: 'closed' | 'unknown' };

export type NotGoingResult = { outcome: 'declined' | 'left_waiting' | 'not_going' | 'unknown' | 'over'; promoted: number[] };

export function rsvpOpen(event: EventRow, now: number): boolean {
  return event.status === 'open' && now <= event.rsvp_deadline && now < event.starts_at;
}

export async function goingTo(db: Db, now: number, eventId: number, userId: number): Promise<GoingResult> {
  return db.transaction().execute(async (tx) => {
    const event = await findEvent(tx, eventId);
    if (!event) return { outcome: 'unknown' } as const;
    if (!rsvpOpen(event, now)) return { outcome: 'closed' } as const;
    // Only someone not yet going or waiting moves on from here (a double press stops here).
    const joined = await tx
      .insertInto('rsvps')
      .values({ event_id: eventId, user_id: userId, status: 'waiting', queued_at: now, attended: null, rating: null, updated_at: now })
      .onConflict((oc) =>
        oc
          .columns(['event_id', 'user_id'])
          .doUpdateSet({ status: 'waiting', queued_at: now, updated_at: now })
          .where('rsvps.status', '=', 'declined'),
      )
      .executeTakeFirst();
    if (Number(joined.numInsertedOrUpdatedRows ?? 0) === 0) {
      const current = await tx
        .selectFrom('rsvps')
        .select('status')
        .where('event_id', '=', eventId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      if (current.status === 'going') return { outcome: 'already_going' } as const;
      return { outcome: 'already_waiting', position: await waitingPosition(tx, eventId, userId) } as const;
    }
    if (await takePlace(tx, eventId)) {
      await tx.updateTable('rsvps').set({ status: 'going' }).where('event_id', '=', eventId).where('user_id', '=', userId).execute();
      return { outcome: 'going' } as const;
    }
    return { outcome: 'waiting', position: await waitingPosition(tx, eventId, userId) } as const;
  });
}

/** "Can't go": gives the place back and moves the first on the waiting list up. */
export async function notGoingTo(db: Db, now: number, eventId: number, userId: number, notify: PromotionNotice): Promise<NotGoingResult> {
  return db.transaction().execute(async (tx) => {
    const event = await findEvent(tx, eventId);
    if (!event) return { outcome: 'unknown', promoted: [] };
    if (now >= event.starts_at) return { outcome: 'over', promoted: [] };
    const set = (from: 'going' | 'waiting') =>
      tx
        .updateTable('rsvps')
        .set({ status: 'declined', updated_at: now })
        .where('event_id', '=', eventId)
        .where('user_id', '=', userId)
        .where('status', '=', from)
        .executeTakeFirst();
    if (Number((await set('going')).numUpdatedRows) > 0) {
      await tx
        .updateTable('events')
        .set((eb) => ({ going: eb('going', '-', 1) }))
        .where('id', '=', eventId)
        .where('going', '>', 0)
        .execute();
      return { outcome: 'declined', promoted: await promoteWaiting(tx, event, notify) };
    }
    if (Number((await set('waiting')).numUpdatedRows) > 0) return { outcome: 'left_waiting', promoted: [] };
    await tx
      .insertInto('rsvps')
      .values({ event_id: eventId, user_id: userId, status: 'declined', queued_at: now, attended: null, rating: null, updated_at: now })
      .onConflict((oc) => oc.columns(['event_id', 'user_id']).doNothing())
      .execute();
    return { outcome: 'not_going', promoted: [] };
  });
}

async function takePlace(tx: Executor, eventId: number): Promise<boolean> {
  const r = await tx
    .updateTable('events')
    .set((eb) => ({ going: eb('going', '+', 1) }))
    .where('id', '=', eventId)
    .where((eb) => eb.or([eb('capacity', 'is', null), eb('going', '<', eb.ref('capacity'))]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Fills free places from the waiting list, first come first served. */
async function promoteWaiting(tx: Tx, event: EventRow, notify: PromotionNotice): Promise<number[]> {
  const promoted: number[] = [];
  for (;;) {
    const next = await tx
      .selectFrom('rsvps')
      .select('user_id')
      .where('event_id', '=', event.id)
      .where('status', '=', 'waiting')
      .orderBy('queued_at')
      .orderBy('user_id')
      .executeTakeFirst();
    if (!next || !(await takePlace(tx, event.id))) return promoted;
    await tx
      .updateTable('rsvps')
      .set({ status: 'going' })
      .where('event_id', '=', event.id)
      .where('user_id', '=', next.user_id)
      .where('status', '=', 'waiting')
      .execute();
    await notify(tx, next.user_id, event);
    promoted.push(next.user_id);
  }
}

export async function waitingPosition(db: Executor, eventId: number, userId: number): Promise<number> {
  const me = await db
    .selectFrom('rsvps')
    .select(['queued_at'])
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!me) return 0;
  const ahead = await db
    .selectFrom('rsvps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', '=', 'waiting')
    .where((eb) => eb.or([eb('queued_at', '<', me.queued_at), eb.and([eb('queued_at', '=', me.queued_at), eb('user_id', '<', userId)])]))
    .executeTakeFirstOrThrow();
  return Number(ahead.n) + 1;
}

export async function myRsvp(db: Executor, eventId: number, userId: number) {
  return db.selectFrom('rsvps').selectAll().where('event_id', '=', eventId).where('user_id', '=', userId).executeTakeFirst();
}

/** How many wait for a place. */
export async function waitingCount(db: Executor, eventId: number): Promise<number> {
  const waiting = await db
    .selectFrom('rsvps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', '=', 'waiting')
    .executeTakeFirstOrThrow();
  return Number(waiting.n);
}

/** Who is going and who waits, in order, with what staff need to greet them. */
export async function attendees(db: Executor, eventId: number) {
  return db
    .selectFrom('rsvps')
    .innerJoin('users', 'users.id', 'rsvps.user_id')
    .select(['rsvps.user_id', 'rsvps.status', 'rsvps.attended', 'rsvps.rating', 'users.first_name', 'users.unit'])
    .where('rsvps.event_id', '=', eventId)
    .where('rsvps.status', 'in', ['going', 'waiting'])
    .orderBy('rsvps.status')
    .orderBy('rsvps.queued_at')
    .orderBy('rsvps.user_id')
    .execute();
}

/** Events people can still see: upcoming ones, and for staff the last week's (for attendance). */
export async function eventsOf(db: Executor, communityId: string, since: number) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('status', '=', 'open')
    .where('starts_at', '>=', since)
    .orderBy('starts_at')
    .limit(10)
    .execute();
}

/** Staff mark who came, after the event has started. */
export async function setAttended(db: Executor, now: number, eventId: number, userId: number, came: boolean): Promise<boolean> {
  const r = await db
    .updateTable('rsvps')
    .set({ attended: came ? 1 : 0, updated_at: now })
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .where('status', '=', 'going')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Once per event: every attendee is asked for a rating (the notice is written by `ask`). */
export async function askForRatings(
  db: Db,
  now: number,
  eventId: number,
  ask: (tx: Tx, userId: number, event: EventRow) => Promise<void>,
): Promise<number | 'already'> {
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('events')
      .set({ rating_asked_at: now })
      .where('id', '=', eventId)
      .where('rating_asked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return 'already' as const;
    const event = (await findEvent(tx, eventId))!;
    const came = await tx.selectFrom('rsvps').select('user_id').where('event_id', '=', eventId).where('attended', '=', 1).execute();
    for (const a of came) await ask(tx, a.user_id, event);
    return came.length;
  });
}

/** An attendee's 1–5 rating, once. */
export async function rateEvent(db: Executor, now: number, eventId: number, userId: number, score: number): Promise<boolean> {
  if (!Number.isInteger(score) || score < 1 || score > 5) return false;
  const r = await db
    .updateTable('rsvps')
    .set({ rating: score, rated_at: now, updated_at: now })
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .where('attended', '=', 1)
    .where('rating', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** At or below this, a rating reaches the event's organiser and the committee group. */
export const LOW_EVENT_RATING = 2;

/** The attendee's words after the stars: only once they rated, and once. */
export async function commentEventRating(db: Executor, now: number, eventId: number, userId: number, comment: string): Promise<boolean> {
  const r = await db
    .updateTable('rsvps')
    .set({ rating_comment: comment, updated_at: now })
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .where('rating', 'is not', null)
    .where('rating_comment', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export type ReminderKind = 'day' | 'soon';

/**
 * Reminders due now: the day before (from 24 h to 2 h before) and two hours before. Each event
 * is claimed once per kind by a guarded UPDATE, and `remind` enqueues in the same transaction.
 */
export async function sendDueReminders(
  db: Db,
  now: number,
  remind: (tx: Tx, kind: ReminderKind, userIds: number[], event: EventRow) => Promise<void>,
): Promise<number> {
  const candidates = await db
    .selectFrom('events')
    .selectAll()
    .where('status', '=', 'open')
    .where('starts_at', '>', now)
    .where('starts_at', '<=', now + REMIND_DAY_BEFORE)
    .where((eb) => eb.or([eb('reminded_day_at', 'is', null), eb('reminded_soon_at', 'is', null)]))
    .execute();
  let sent = 0;
  for (const event of candidates) {
    const kind: ReminderKind = event.starts_at - now <= REMIND_SOON ? 'soon' : 'day';
    if (kind === 'day' && event.reminded_day_at !== null) continue;
    if (kind === 'soon' && event.reminded_soon_at !== null) continue;
    await db.transaction().execute(async (tx) => {
      // Two hours before also settles the day-before reminder: one reminder is enough that late.
      const claimed = await tx
        .updateTable('events')
        .set(kind === 'day' ? { reminded_day_at: now } : { reminded_soon_at: now, reminded_day_at: event.reminded_day_at ?? now })
        .where('id', '=', event.id)
        .where(kind === 'day' ? 'reminded_day_at' : 'reminded_soon_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return;
      const going = await tx.selectFrom('rsvps').select('user_id').where('event_id', '=', event.id).where('status', '=', 'going').execute();
      await remind(
        tx,
        kind,
        going.map((g) => g.user_id),
        event,
      );
      sent += going.length;
    });
  }
  return sent;
}

/** /mydata: a person's last 50 answers, newest event first. */
export function rsvpHistory(db: Executor, userId: number) {
  return db
    .selectFrom('rsvps')
    .innerJoin('events', 'events.id', 'rsvps.event_id')
    .select(['events.title', 'rsvps.status', 'rsvps.rating', 'rsvps.rating_comment'])
    .where('rsvps.user_id', '=', userId)
    .orderBy('events.starts_at', 'desc')
    .limit(50)
    .execute();
}

/** /deleteme: RSVPs go, and places they held are given back. */
export async function eraseRsvps(tx: Executor, userId: number): Promise<void> {
  const held = await tx.selectFrom('rsvps').select('event_id').where('user_id', '=', userId).where('status', '=', 'going').execute();
  for (const h of held)
    await tx
      .updateTable('events')
      .set((eb) => ({ going: eb('going', '-', 1) }))
      .where('id', '=', h.event_id)
      .where('going', '>', 0)
      .execute();
  await tx.deleteFrom('rsvps').where('user_id', '=', userId).execute();
}

/**
 * Event times as each language writes a date: "12月8日（周二）14:30", "12月8日（週二）14:30",
 * "Tue 8 Dec, 14:30" — the same form the /event prompts give as their example, and that
 * parseLocalTime reads back.
 */
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ZH_WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

export function formatLocalTime(at: number, locale: string, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const time = `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
  if (locale === 'zh-CN') return `${w.month}月${w.day}日（周${ZH_WEEKDAYS[w.weekday]}）${time}`;
  if (locale === 'zh-TW') return `${w.month}月${w.day}日（週${ZH_WEEKDAYS[w.weekday]}）${time}`;
  return `${EN_WEEKDAYS[w.weekday]} ${w.day} ${EN_MONTHS[w.month - 1]}, ${time}`;
}

interface LocalFields {
  year?: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** A weekday however it is written ("（周二）", "(週二)", "星期二", "Tue", "Tuesday,"): it only repeats the date. */
const WEEKDAY_WORD = /[（(]?\s*(?:周|週|星期|禮拜|礼拜)[一二三四五六日天]\s*[）)]?|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b\.?/gi;
const NUMERIC_DATE =
  /^\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?\s*[T\s]\s*(\d{1,2})\s*[:：点點]\s*(\d{2})?\s*分?\s*$/;
const TIME = String.raw`(\d{1,2})\s*[:：.]\s*(\d{2})`;
const DAY_MONTH = new RegExp(String.raw`^\s*(\d{1,2})\s+([a-z]{3,9})\.?\s*(\d{4})?\s+${TIME}\s*$`, 'i');
const MONTH_DAY = new RegExp(String.raw`^\s*([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*(\d{4})?\s+${TIME}\s*$`, 'i');

const EN_MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** "Dec", "dec" or "December" (and "Sept"); not any word that starts like a month. */
function monthOf(name: string): number | undefined {
  const word = name.toLowerCase();
  const i = EN_MONTH_NAMES.findIndex((m) => m === word || m.slice(0, 3) === word || (word === 'sept' && m === 'september'));
  return i < 0 ? undefined : i + 1;
}

/** The fields of "2026-12-05 14:30", "12月5日（周六）14:30", "Sat 5 Dec, 14:30", "Dec 5 14:30"; undefined for anything else. */
function localFields(text: string): LocalFields | undefined {
  const plain = text.replace(WEEKDAY_WORD, ' ').replace(/[,，、]/g, ' ');
  const numeric = NUMERIC_DATE.exec(plain);
  if (numeric) {
    const [, y, mo, d, h, mi] = numeric;
    return { year: y ? Number(y) : undefined, month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi ?? '0') };
  }
  const dm = DAY_MONTH.exec(plain);
  const md = dm ? undefined : MONTH_DAY.exec(plain);
  const [day, name, year, hour, minute] = dm ? dm.slice(1) : md ? [md[2], md[1], md[3], md[4], md[5]] : [];
  const month = name === undefined ? undefined : monthOf(name);
  if (month === undefined) return undefined;
  return { year: year ? Number(year) : undefined, month, day: Number(day), hour: Number(hour), minute: Number(minute) };
}

/**
 * Reads a local date and time in the community's time zone: what formatLocalTime shows in any
 * language ("12月5日（周六）14:30", "Sat 5 Dec, 14:30") as well as "2026-12-05 14:30",
 * "12-05 14:30" and "12月5日 14:30". A date without a year is the next such date.
 */
export function parseLocalTime(text: string, timeZone: string, now: number): number | undefined {
  const f = localFields(text);
  if (!f) return undefined;
  const { month, day, hour, minute } = f;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const at = (year: number) => {
    const local = Date.UTC(year, month - 1, day, hour, minute);
    const check = new Date(local);
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined; // 31 February
    return zonedEpoch({ year, month, day, hour, minute }, timeZone);
  };
  if (f.year !== undefined) return at(f.year);
  const thisYear = wallClock(now, timeZone).year;
  const candidate = at(thisYear);
  return candidate !== undefined && candidate >= now - DAY ? candidate : at(thisYear + 1);
}
