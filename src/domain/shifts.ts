import type { Selectable } from 'kysely';
import type { Db, Executor } from '../store/db';
import type { ShiftsTable } from '../store/schema/help';
import { audit } from './audit';

/**
 * Patrol shifts: a zone, a time and a number of places. Joining takes a place with one guarded
 * UPDATE (`taken < places`), so a full shift cannot be over-filled by simultaneous presses.
 */

export type Shift = Selectable<ShiftsTable>;

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
    if (Number(taken.numUpdatedRows) === 0) return 'full';
    await tx.insertInto('shift_members').values({ shift_id: shiftId, user_id: userId, joined_at: now }).execute();
    return 'joined';
  });
}

/** "Can't make it": frees the place. Returns false when the person was not on the shift. */
export async function leaveShift(db: Db, now: number, shiftId: number, userId: number): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const gone = await tx.deleteFrom('shift_members').where('shift_id', '=', shiftId).where('user_id', '=', userId).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return false;
    await tx
      .updateTable('shifts')
      .set((eb) => ({ taken: eb('taken', '-', 1) }))
      .where('id', '=', shiftId)
      .where('taken', '>', 0)
      .execute();
    await audit(tx, now, userId, 'shift.leave', `shift:${shiftId}`);
    return true;
  });
}

export async function shiftMembers(db: Executor, shiftId: number): Promise<number[]> {
  return (await db.selectFrom('shift_members').select('user_id').where('shift_id', '=', shiftId).execute()).map((r) => r.user_id);
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

/**
 * Credits every member of the shifts that have ended with the shift's length, once each (a
 * member who could not make it left the shift before, with "can't make it"). One transaction,
 * and a member already credited for a shift is skipped, so running it again changes nothing.
 */
export async function creditEndedShifts(
  db: Db,
  now: number,
  then: (tx: Executor, shift: Shift, volunteerId: number, minutes: number) => Promise<void>,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('shift_members')
      .innerJoin('shifts', 'shifts.id', 'shift_members.shift_id')
      .selectAll('shifts')
      .select('shift_members.user_id')
      .where('shifts.ends_at', '<=', now)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('hours')
              .select('hours.id')
              .whereRef('hours.shift_id', '=', 'shifts.id')
              .whereRef('hours.volunteer_id', '=', 'shift_members.user_id'),
          ),
        ),
      )
      .execute();
    for (const { user_id: volunteerId, ...shift } of due) {
      const minutes = Math.round((shift.ends_at - shift.starts_at) / 60_000);
      await tx
        .insertInto('hours')
        .values({
          volunteer_id: volunteerId,
          community_id: shift.community_id,
          task_id: null,
          shift_id: shift.id,
          minutes,
          corrected_minutes: null,
          approved: 1,
          at: shift.ends_at,
        })
        .execute();
      await then(tx, shift, volunteerId, minutes);
    }
    return due.length;
  });
}
