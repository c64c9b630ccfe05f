import { DAY } from '../clock';
import type { Executor } from '../store/db';
import type { HandUpAnswer } from '../store/schema/grid';
import { audit } from './audit';

/**
 * A report handed upward (to the street office or a city department) is followed until the
 * outside body answers: an expected date, a reminder once it passes, and the answer staff record
 * (fixed, refused, or still pending with a new date). Guarded writes, so a reminder goes once
 * and an answer is recorded once.
 */

export type { HandUpAnswer };
export const HAND_UP_ANSWERS: readonly HandUpAnswer[] = ['fixed', 'refused', 'pending'];

export function findHandUp(db: Executor, reportId: number) {
  return db.selectFrom('hand_ups').selectAll().where('report_id', '=', reportId).executeTakeFirst();
}

/** The report was handed up (again): the answer is expected by `dueAt` (staff's date), else in `days`. */
export async function recordHandUp(
  db: Executor,
  now: number,
  r: { id: number; community_id: string; handed_to: string | null },
  days: number,
  dueAt?: number,
) {
  const expected = dueAt ?? now + days * DAY;
  const row = {
    community_id: r.community_id,
    handed_to: r.handed_to ?? 'street',
    handed_at: now,
    first_expected_at: expected,
    expected_at: expected,
  };
  await db
    .insertInto('hand_ups')
    .values({ report_id: r.id, ...row, reminded_at: null, answer: null, answer_note: null, answered_at: null })
    .onConflict((oc) =>
      oc.column('report_id').doUpdateSet({ ...row, reminded_at: null, answer: null, answer_note: null, answered_at: null }),
    )
    .execute();
}

/** Hand-ups past their expected date, unanswered and not yet reminded for that date. */
export function dueHandUps(db: Executor, now: number) {
  return db
    .selectFrom('hand_ups')
    .innerJoin('reports', 'reports.id', 'hand_ups.report_id')
    .selectAll('hand_ups')
    .select(['reports.owner_id', 'reports.status'])
    .where('hand_ups.answered_at', 'is', null)
    .where('hand_ups.reminded_at', 'is', null)
    .where('hand_ups.expected_at', '<=', now)
    .where('reports.status', '=', 'handed_up')
    .execute();
}

/** Takes the reminder (once, however many schedulers run). */
export async function takeReminder(db: Executor, now: number, reportId: number): Promise<boolean> {
  const updated = await db
    .updateTable('hand_ups')
    .set({ reminded_at: now })
    .where('report_id', '=', reportId)
    .where('reminded_at', 'is', null)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/**
 * Records the outside body's answer: fixed or refused settle it; pending sets a new expected
 * date (and a new reminder). False when it was settled already.
 */
export async function recordAnswer(
  db: Executor,
  now: number,
  reportId: number,
  a: { answer: HandUpAnswer; note: string; by: number | null; days: number },
): Promise<boolean> {
  const patch =
    a.answer === 'pending'
      ? { answer: a.answer, answer_note: a.note, expected_at: now + a.days * DAY, reminded_at: null }
      : { answer: a.answer, answer_note: a.note, answered_at: now };
  const updated = await db
    .updateTable('hand_ups')
    .set(patch)
    .where('report_id', '=', reportId)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await audit(db, now, a.by, `handup.${a.answer}`, `report:${reportId}`);
  return true;
}
