import { wallClock } from '../zoned-time';
import type { Executor, Tx } from '../store/db';
import type { DutyPeriod } from '../store/schema/grid';
import { audit } from './audit';

/**
 * The weekly duty rota (值班表): each community's week in slots of a weekday (1 Monday … 7
 * Sunday) and a period, day 08:00–20:00 or night 20:00–08:00 (a night belongs to the weekday it
 * starts on). A slot is held by one staff member; handing it to a colleague takes their yes,
 * and the hand-over is one guarded UPDATE, so two answers change it once.
 */

export type { DutyPeriod };
export const PERIODS: readonly DutyPeriod[] = ['day', 'night'];
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export const DAY_STARTS = 8;
export const NIGHT_STARTS = 20;

export interface Slot {
  weekday: number;
  period: DutyPeriod;
}

/** The slot an instant falls in, in the committee's time zone. */
export function slotAt(now: number, timeZone: string): Slot {
  const w = wallClock(now, timeZone);
  const weekday = w.weekday === 0 ? 7 : w.weekday;
  if (w.hour >= DAY_STARTS && w.hour < NIGHT_STARTS) return { weekday, period: 'day' };
  if (w.hour >= NIGHT_STARTS) return { weekday, period: 'night' };
  return { weekday: weekday === 1 ? 7 : weekday - 1, period: 'night' };
}

export function rotaOf(db: Executor, communityId: string) {
  return db.selectFrom('duty_slots').selectAll().where('community_id', '=', communityId).execute();
}

export async function holderOf(db: Executor, communityId: string, slot: Slot): Promise<number | undefined> {
  const row = await db
    .selectFrom('duty_slots')
    .select('user_id')
    .where('community_id', '=', communityId)
    .where('weekday', '=', slot.weekday)
    .where('period', '=', slot.period)
    .executeTakeFirst();
  return row ? Number(row.user_id) : undefined;
}

/** Who is on duty now (a holder who is still staff of the community), if anyone. */
export async function onDutyNow(db: Executor, communityId: string, now: number, timeZone: string): Promise<number | undefined> {
  const holder = await holderOf(db, communityId, slotAt(now, timeZone));
  if (!holder) return undefined;
  const user = await db.selectFrom('users').select(['role', 'community_id']).where('id', '=', holder).executeTakeFirst();
  return user?.role === 'staff' && user.community_id === communityId ? holder : undefined;
}

/** Takes a free slot; false when someone holds it already. */
export async function takeSlot(db: Executor, now: number, communityId: string, slot: Slot, userId: number): Promise<boolean> {
  const inserted = await db
    .insertInto('duty_slots')
    .values({ community_id: communityId, weekday: slot.weekday, period: slot.period, user_id: userId, updated_at: now })
    .onConflict((oc) => oc.columns(['community_id', 'weekday', 'period']).doNothing())
    .executeTakeFirst();
  const taken = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  if (taken) await audit(db, now, userId, 'duty.take', `duty:${communityId}:${slot.weekday}:${slot.period}`);
  return taken;
}

/** The holder offers their slot to a colleague; the offer waits for the colleague's answer. */
export async function offerSlot(
  tx: Tx,
  now: number,
  communityId: string,
  slot: Slot,
  fromId: number,
  toId: number,
): Promise<number | undefined> {
  if ((await holderOf(tx, communityId, slot)) !== fromId || fromId === toId) return undefined;
  const row = await tx
    .insertInto('duty_handovers')
    .values({
      community_id: communityId,
      weekday: slot.weekday,
      period: slot.period,
      from_id: fromId,
      to_id: toId,
      status: 'pending',
      created_at: now,
      decided_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, now, fromId, 'duty.offer', `duty:${communityId}:${slot.weekday}:${slot.period}`, { to: toId });
  return Number(row.id);
}

export function findHandover(db: Executor, id: number) {
  return db.selectFrom('duty_handovers').selectAll().where('id', '=', id).executeTakeFirst();
}

export type HandoverResult = 'accepted' | 'declined' | 'gone';

/**
 * The colleague answers. Accepting moves the slot only if the offer is still pending and the
 * slot is still the offerer's (guarded), so a second tap or a slot handed elsewhere changes nothing.
 */
export async function answerHandover(tx: Tx, now: number, id: number, accept: boolean): Promise<HandoverResult> {
  const h = await findHandover(tx, id);
  if (!h || h.status !== 'pending') return 'gone';
  const decided = await tx
    .updateTable('duty_handovers')
    .set({ status: accept ? 'accepted' : 'declined', decided_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) === 0) return 'gone';
  if (!accept) return 'declined';
  const moved = await tx
    .updateTable('duty_slots')
    .set({ user_id: h.to_id, updated_at: now })
    .where('community_id', '=', h.community_id)
    .where('weekday', '=', h.weekday)
    .where('period', '=', h.period)
    .where('user_id', '=', h.from_id)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) {
    await tx.updateTable('duty_handovers').set({ status: 'declined' }).where('id', '=', id).execute();
    return 'gone';
  }
  await audit(tx, now, Number(h.to_id), 'duty.accept', `duty:${h.community_id}:${h.weekday}:${h.period}`, { from: h.from_id });
  return 'accepted';
}

/** Emergency paging's rungs: whoever is on duty, then every staff member, then the admins (`repeats` rounds each). */
export const PAGE_RUNGS = ['duty', 'staff', 'admins'] as const;
export type PageRung = (typeof PAGE_RUNGS)[number];

/** The rung a page round (0, 1, …) belongs to; undefined once every rung had its rounds. */
export function pageRungOf(round: number, repeats: number): PageRung | undefined {
  return PAGE_RUNGS[Math.floor(round / repeats)];
}
