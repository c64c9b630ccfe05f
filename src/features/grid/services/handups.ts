import { dueHandUps, findHandUp, recordAnswer, recordHandUp, takeReminder, type HandUpAnswer } from '../../../domain/handups';
import { findReport, followersOf, publicId, type Actor, type Report } from '../../../domain/hazards';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { Action } from '../../../domain/hazard-status';
import { committeeOf, moveReport, refreshCard, type HazardDeps } from '../../hazards/services';
import { formatTime, handUpAnswerKeyboard } from '../../hazards/views/card';
import { recordRouting } from './paging';

/**
 * Hand-ups followed to the end: the expected date is set when a report is handed up
 * (hazards/services moveReport calls `handedUp`; staff may give their own date), the owner (or the
 * committee group) is reminded once it passes, and the answer staff record (from the card, the
 * hand-up's confirmation or the reminder) moves the report: fixed → fixed (the reporter is asked
 * "Is it fixed?"), refused → rejected, still pending → a new date, the reporter told. Any move of
 * a handed-up report to fixed or rejected settles its hand-up in the move's own transaction.
 */

/** What a move may carry for the hand-up (hazards/services moveReport's details). */
export interface HandUpDetails {
  /** Hand-up: the date staff expect the answer by (default: settings.handUpAnswerDays on). */
  handUpDueAt?: number;
  /** Fix or reject of a handed-up report: what the outside body said (default: the move's note). */
  handUpNote?: string;
}

export async function handedUp(deps: HazardDeps, tx: Executor, now: number, r: Report, dueAt?: number): Promise<void> {
  await recordHandUp(tx, now, r, deps.communities.settings.handUpAnswerDays, dueAt);
}

/** A handed-up report was fixed or rejected (however it was pressed): the outside body's answer is recorded, once. */
export async function settleHandUp(
  deps: HazardDeps,
  tx: Executor,
  now: number,
  r: Report,
  move: { action: Action; actorId: number | null; note: string },
): Promise<void> {
  const answer = move.action === 'fix' ? 'fixed' : move.action === 'reject' ? 'refused' : undefined;
  if (!answer) return;
  const days = deps.communities.settings.handUpAnswerDays;
  if (await recordAnswer(tx, now, r.id, { answer, note: move.note, by: move.actorId, days }))
    await recordRouting(tx, now, r.id, `handup:${answer}`);
}

/** Reminds whoever owns each overdue hand-up (or the committee group) to chase the outside body. */
export async function remindHandUps(deps: HazardDeps, now: number): Promise<number> {
  let reminded = 0;
  for (const h of await dueHandUps(deps.db, now)) {
    await deps.db.transaction().execute(async (tx) => {
      if (!(await takeReminder(tx, now, h.report_id))) return;
      reminded++;
      // Whoever owns the report chases it; with no owner, whoever handed it up; else the committee group.
      const owner = h.owner_id ? Number(h.owner_id) : await handedUpBy(tx, h.report_id);
      const group = owner ? undefined : await committeeOf(deps, tx, h);
      const chatId = owner ?? group?.chatId;
      if (!chatId) return;
      const locale = owner ? await deps.users.localeOf(owner, tx) : group!.locale;
      const t = deps.i18n.translator(locale);
      await recordRouting(tx, now, h.report_id, 'handup:reminded');
      await enqueue(tx, now, {
        chatId,
        text: t('grid.handup_remind', {
          id: publicId(h.report_id),
          to: t(`hazards.handed_${h.handed_to}`),
          at: formatTime(h.expected_at, deps.config.timezone),
        }),
        keyboard: handUpAnswerKeyboard(h.report_id, t),
        priority: owner ? PRIORITY.personal : PRIORITY.group,
        ref: `report:${h.report_id}:handup:${h.expected_at}`,
      });
    });
  }
  if (reminded > 0) deps.sender.poke();
  return reminded;
}

async function handedUpBy(db: Executor, reportId: number): Promise<number | undefined> {
  const e = await db
    .selectFrom('report_events')
    .select('actor_id')
    .where('report_id', '=', reportId)
    .where('action', '=', 'hand_up')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return e?.actor_id ? Number(e.actor_id) : undefined;
}

export type AnswerResult = 'recorded' | 'settled' | 'refused';

/**
 * Records the outside body's answer: fixed or refused move the report, which settles the hand-up
 * in the same transaction (moveReport → settleHandUp) and tells the reporter; still pending sets
 * a new date and tells the reporter directly.
 */
export async function answerHandUp(
  deps: HazardDeps,
  actor: Actor & { id: number },
  reportId: number,
  answer: HandUpAnswer,
  note: string,
): Promise<AnswerResult> {
  const now = deps.clock.now();
  const days = deps.communities.settings.handUpAnswerDays;
  if (answer !== 'pending') {
    const move = answer === 'fixed' ? ('fix' as const) : ('reject' as const);
    const details = answer === 'fixed' ? { note } : { note: `handup_refused: ${note}`, rejectReason: 'not_ours' };
    if ((await findHandUp(deps.db, reportId))?.answered_at) return 'settled';
    const moved = await moveReport(deps, reportId, move, actor, { ...details, handUpNote: note });
    if (moved.ok) return 'recorded';
    return (await findHandUp(deps.db, reportId))?.answered_at ? 'settled' : 'refused';
  }
  const done = await deps.db.transaction().execute(async (tx) => {
    const r = await findReport(tx, reportId);
    if (!r || r.status !== 'handed_up') return 'refused' as const;
    if (!(await recordAnswer(tx, now, reportId, { answer, note, by: actor.id, days }))) return 'settled' as const;
    await recordRouting(tx, now, reportId, `handup:pending`);
    // The cards show the new date.
    await refreshCard(deps, tx, now, r);
    const h = (await findHandUp(tx, reportId))!;
    for (const f of await followersOf(tx, reportId)) {
      const t = deps.i18n.translator(await deps.users.localeOf(Number(f.id), tx));
      await enqueue(tx, now, {
        chatId: Number(f.id),
        text: t('grid.handup_still_pending', {
          id: publicId(reportId),
          note: escapeHtml(note),
          at: formatTime(h.expected_at, deps.config.timezone),
        }),
        priority: PRIORITY.personal,
        ref: `report:${reportId}:handup:pending:${now}`,
      });
    }
    return 'recorded' as const;
  });
  deps.sender.poke();
  return done;
}
