import type { Selectable } from 'kysely';
import type { Db, Executor } from '../store/db';
import type { ShiftMembersTable, ShiftsTable } from '../store/schema/help';
import { audit } from './audit';

/**
 * Patrol shifts: a zone, a time and a number of places. Joining takes a place with one guarded
 * UPDATE (`taken < places`), so a full shift cannot be over-filled by simultaneous presses.
 * Who pressed Join on a full shift waits (shift_waiters) to hear when a place opens. Members are
 * reminded the evening before and an hour before, each once (a guarded UPDATE per reminder).
 * When the shift ends, attendance is asked; hours count for those confirmed, and for the ones
 * nobody said anything about once the deadline passes (see closeAtDeadline).
 */

export type Shift = Selectable<ShiftsTable>;
export type ShiftMember = Selectable<ShiftMembersTable>;

const HOUR = 3_600_000;

export async function createShift(
  db: Db,
  now: number,
  s: { communityId: string; teamId: string; zone: string; startsAt: number; endsAt: number; places: number; createdBy: number },
  post: (tx: Executor, shift: Shift) => Promise<void>,
): Promise<Shift> {
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('shifts')
      .values({
        community_id: s.communityId,
        team_id: s.teamId,
        zone: s.zone,
        starts_at: s.startsAt,
        ends_at: s.endsAt,
        places: s.places,
        taken: 0,
        created_by: s.createdBy,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const shift = (await findShift(tx, Number(id)))!;
    await audit(tx, now, s.createdBy, 'shift.create', `shift:${shift.id}`, { team: s.teamId });
    await post(tx, shift);
    return shift;
  });
}

export function findShift(db: Executor, id: number): Promise<Shift | undefined> {
  return db.selectFrom('shifts').selectAll().where('id', '=', id).executeTakeFirst();
}

export type JoinResult = 'joined' | 'already' | 'full' | 'over';

export async function joinShift(db: Db, now: number, shiftId: number, userId: number): Promise<JoinResult> {
  return db.transaction().execute(async (tx) => {
    const already = await tx
      .selectFrom('shift_members')
      .select('user_id')
      .where('shift_id', '=', shiftId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (already) return 'already';
    const shift = await findShift(tx, shiftId);
    if (!shift || shift.ends_at <= now) return 'over';
    const taken = await tx
      .updateTable('shifts')
      .set((eb) => ({ taken: eb('taken', '+', 1) }))
      .where('id', '=', shiftId)
      .where('ends_at', '>', now)
      .whereRef('taken', '<', 'places')
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 0) {
      // They wanted to come: told privately when a place opens.
      await tx
        .insertInto('shift_waiters')
        .values({ shift_id: shiftId, user_id: userId, at: now })
        .onConflict((oc) => oc.columns(['shift_id', 'user_id']).doNothing())
        .execute();
      return 'full';
    }
    await tx.insertInto('shift_members').values({ shift_id: shiftId, user_id: userId, joined_at: now }).execute();
    await tx.deleteFrom('shift_waiters').where('shift_id', '=', shiftId).where('user_id', '=', userId).execute();
    return 'joined';
  });
}

/** Frees one member's place (inside the caller's transaction); false when they were not on the shift. */
export async function freePlace(tx: Executor, shiftId: number, userId: number): Promise<boolean> {
  const gone = await tx.deleteFrom('shift_members').where('shift_id', '=', shiftId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) return false;
  await tx
    .updateTable('shifts')
    .set((eb) => ({ taken: eb('taken', '-', 1) }))
    .where('id', '=', shiftId)
    .where('taken', '>', 0)
    .execute();
  return true;
}

/** "Can't make it": frees the place; `then` runs in the same transaction. Returns false when the person was not on the shift. */
export async function leaveShift(
  db: Db,
  now: number,
  shiftId: number,
  userId: number,
  then: (tx: Executor, shift: Shift) => Promise<void> = async () => undefined,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if (!(await freePlace(tx, shiftId, userId))) return false;
    await audit(tx, now, userId, 'shift.leave', `shift:${shiftId}`);
    await then(tx, (await findShift(tx, shiftId))!);
    return true;
  });
}

export async function shiftMembers(db: Executor, shiftId: number): Promise<number[]> {
  return (await db.selectFrom('shift_members').select('user_id').where('shift_id', '=', shiftId).execute()).map((r) => r.user_id);
}

/** The members with their first names, in the order they joined: the lead's attendance list. */
export function rosterOf(db: Executor, shiftId: number) {
  return db
    .selectFrom('shift_members')
    .leftJoin('users', 'users.id', 'shift_members.user_id')
    .select(['shift_members.user_id', 'shift_members.attended', 'shift_members.credited_at', 'users.first_name'])
    .where('shift_members.shift_id', '=', shiftId)
    .orderBy('shift_members.joined_at')
    .orderBy('shift_members.user_id')
    .execute();
}

export type Roster = Awaited<ReturnType<typeof rosterOf>>;

/** Who was told "full" and is still not on the shift; they are forgotten once told. */
export async function takeWaiters(tx: Executor, shiftId: number): Promise<number[]> {
  const rows = await tx.selectFrom('shift_waiters').select('user_id').where('shift_id', '=', shiftId).orderBy('at').execute();
  await tx.deleteFrom('shift_waiters').where('shift_id', '=', shiftId).execute();
  const members = new Set(await shiftMembers(tx, shiftId));
  return rows.map((r) => r.user_id).filter((id) => !members.has(id));
}

export function shiftsOf(db: Executor, userId: number, after: number) {
  return db
    .selectFrom('shift_members')
    .innerJoin('shifts', 'shifts.id', 'shift_members.shift_id')
    .selectAll('shifts')
    .where('shift_members.user_id', '=', userId)
    .where('shifts.ends_at', '>', after)
    .orderBy('shifts.starts_at')
    .execute();
}

export type Reminder = 'eve' | 'hour';

/**
 * The reminders due now: an hour before the start, and the evening before (`eveOf` gives that
 * moment, e.g. 20:00 local the day before). Someone who joined after a reminder's moment knew
 * already and gets none; an evening reminder missed until the hour reminder is due is dropped.
 */
export async function remindersDue(
  db: Executor,
  now: number,
  eveOf: (startsAt: number) => number,
): Promise<{ shift: Shift; userId: number; kind: Reminder }[]> {
  const rows = await db
    .selectFrom('shift_members')
    .innerJoin('shifts', 'shifts.id', 'shift_members.shift_id')
    .selectAll('shifts')
    .select(['shift_members.user_id', 'shift_members.joined_at', 'shift_members.eve_reminded_at', 'shift_members.hour_reminded_at'])
    .where('shifts.starts_at', '>', now)
    .where('shifts.starts_at', '<=', now + 48 * HOUR)
    .execute();
  const due: { shift: Shift; userId: number; kind: Reminder }[] = [];
  for (const { user_id: userId, joined_at: joinedAt, eve_reminded_at: eveSent, hour_reminded_at: hourSent, ...shift } of rows) {
    const hourAt = shift.starts_at - HOUR;
    const eveAt = eveOf(shift.starts_at);
    if (hourSent === null && now >= hourAt && joinedAt < hourAt) due.push({ shift, userId, kind: 'hour' });
    else if (eveSent === null && now >= eveAt && now < hourAt && joinedAt < eveAt) due.push({ shift, userId, kind: 'eve' });
  }
  return due;
}

/** Marks a reminder sent, once: false when another run (or process) sent it already. */
export async function markReminded(tx: Executor, now: number, shiftId: number, userId: number, kind: Reminder): Promise<boolean> {
  const column = kind === 'eve' ? 'eve_reminded_at' : 'hour_reminded_at';
  const r = await tx
    .updateTable('shift_members')
    .set({ [column]: now })
    .where('shift_id', '=', shiftId)
    .where('user_id', '=', userId)
    .where(column, 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ended shifts whose attendance has not been asked, while it can still be answered. */
export function shiftsToAsk(db: Executor, now: number, answerWithinMs: number): Promise<Shift[]> {
  return db
    .selectFrom('shifts')
    .selectAll()
    .where('ends_at', '<=', now)
    .where('ends_at', '>', now - answerWithinMs)
    .where('attendance_asked_at', 'is', null)
    .where('attendance_closed_at', 'is', null)
    .execute();
}

/** Ended shifts whose attendance deadline has passed without being closed. */
export function shiftsToClose(db: Executor, now: number, answerWithinMs: number): Promise<Shift[]> {
  return db
    .selectFrom('shifts')
    .selectAll()
    .where('ends_at', '<=', now - answerWithinMs)
    .where('attendance_closed_at', 'is', null)
    .execute();
}

/** Attendance asked, once. */
export async function markAsked(tx: Executor, now: number, shiftId: number): Promise<boolean> {
  const r = await tx
    .updateTable('shifts')
    .set({ attendance_asked_at: now })
    .where('id', '=', shiftId)
    .where('attendance_asked_at', 'is', null)
    .where('attendance_closed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records whether a member came, while the shift's attendance is open; false when it was closed (or they are not on it). */
export async function setAttendance(tx: Executor, shiftId: number, userId: number, came: boolean): Promise<boolean> {
  const r = await tx
    .updateTable('shift_members')
    .set({ attended: came ? 1 : 0 })
    .where('shift_id', '=', shiftId)
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('shifts').select('shifts.id').where('shifts.id', '=', shiftId).where('shifts.attendance_closed_at', 'is', null),
      ),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Closes attendance, once: false when it was closed already (confirmed, or the deadline passed). */
export async function closeAttendance(tx: Executor, now: number, shiftId: number): Promise<boolean> {
  const r = await tx
    .updateTable('shifts')
    .set({ attendance_closed_at: now })
    .where('id', '=', shiftId)
    .where('attendance_closed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const shiftMinutes = (shift: Pick<Shift, 'starts_at' | 'ends_at'>) => Math.round((shift.ends_at - shift.starts_at) / 60_000);

/**
 * Credits one member with the shift's length, once: a guarded UPDATE of credited_at, and no
 * second row if hours were counted before attendance existed. The minutes, or undefined.
 */
export async function creditMember(tx: Executor, now: number, shift: Shift, userId: number): Promise<number | undefined> {
  const r = await tx
    .updateTable('shift_members')
    .set({ credited_at: now })
    .where('shift_id', '=', shift.id)
    .where('user_id', '=', userId)
    .where('credited_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return undefined;
  const before = await tx
    .selectFrom('hours')
    .select('id')
    .where('shift_id', '=', shift.id)
    .where('volunteer_id', '=', userId)
    .executeTakeFirst();
  if (before) return undefined;
  const minutes = shiftMinutes(shift);
  await tx
    .insertInto('hours')
    .values({
      volunteer_id: userId,
      community_id: shift.community_id,
      task_id: null,
      shift_id: shift.id,
      minutes,
      corrected_minutes: null,
      approved: 1,
      at: shift.ends_at,
    })
    .execute();
  return minutes;
}

/**
 * Nobody confirmed in time: the list as it stands is credited (members marked as absent are not).
 * The roster is the committee's best record of who patrolled, and a lead who did not answer
 * should not cost the volunteers their hours; the lead is told it was credited unconfirmed.
 */
export async function closeAtDeadline(tx: Executor, now: number, shift: Shift): Promise<{ userId: number; minutes: number }[] | undefined> {
  if (!(await closeAttendance(tx, now, shift.id))) return undefined;
  return creditWhere(tx, now, shift, (attended) => attended !== 0);
}

/** The lead confirmed: the ones marked as there are credited, everyone else counted absent. */
export async function closeConfirmed(tx: Executor, now: number, shift: Shift): Promise<{ userId: number; minutes: number }[] | undefined> {
  if (!(await closeAttendance(tx, now, shift.id))) return undefined;
  await tx.updateTable('shift_members').set({ attended: 0 }).where('shift_id', '=', shift.id).where('attended', 'is', null).execute();
  return creditWhere(tx, now, shift, (attended) => attended === 1);
}

async function creditWhere(tx: Executor, now: number, shift: Shift, counts: (attended: number | null) => boolean) {
  const credited: { userId: number; minutes: number }[] = [];
  for (const m of await rosterOf(tx, shift.id)) {
    if (!counts(m.attended)) continue;
    const minutes = await creditMember(tx, now, shift, m.user_id);
    if (minutes !== undefined) credited.push({ userId: m.user_id, minutes });
  }
  return credited;
}
