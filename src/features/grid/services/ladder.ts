import { HOUR } from '../../../clock';
import { committeeChat } from '../../../domain/chat-links';
import { communityHeads, LADDER_RUNGS, type Rung } from '../../../domain/grid';
import { dueAt, markOverdue, publicId, type OverdueKind, type Report } from '../../../domain/hazards';
import { audit } from '../../../domain/audit';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { committeeOf, postCard, refreshCard, renderCard, type HazardDeps } from '../../hazards/services';
import { categoryName, staffKeyboard } from '../../hazards/views/card';
import { recordRouting } from './paging';

/**
 * The escalation ladder for an overdue report (not acknowledged, or not fixed, within its
 * category's SLA): the first responder (grid worker or unit contact) → the committee group →
 * the community head (a staff flag) → the street office's admins. The first rung is reached when
 * the SLA is missed, each next one after a further SLA period; a rung with nobody on it is
 * skipped. Each rung is one guarded UPDATE of `ladder_step` (so several schedulers climb once),
 * recorded in the history, the audit log and on the card.
 */

/** `ladder_step` is the index of the rung reached in RUNGS, plus one (0: none). */
const RUNGS = LADDER_RUNGS;

/** Who stands on each rung for this report (empty: skipped). */
async function peopleOn(deps: HazardDeps, tx: Executor, r: Report, rung: Rung): Promise<number[]> {
  if (rung === 'responder') return r.responder_id ? [Number(r.responder_id)] : [];
  if (rung === 'head') return communityHeads(tx, r.community_id);
  if (rung === 'admins') return [...deps.config.adminIds];
  return (await committeeChat(tx, r.community_id)) ? [0] : [];
}

/** Climbs at most one rung for an overdue report when its time has come; answers the rung climbed. */
export async function climbLadder(deps: HazardDeps, now: number, r: Report & { overdue: OverdueKind }): Promise<Rung | undefined> {
  const category = deps.communities.hazardCategory(r.category);
  if (!category) return undefined;
  const period = (r.overdue === 'ack' ? category.slaAckHours : category.slaFixHours) * HOUR;
  // A report acknowledged late starts the fix SLA's ladder afresh.
  const current = r.ladder_kind === r.overdue ? r.ladder_step : 0;
  const periods = Math.floor((now - dueAt(r, category, r.overdue)) / period) + 1;
  return deps.db.transaction().execute(async (tx) => {
    const reached = (await rungsFilled(deps, tx, r)).filter((i) => i < current).length;
    const next = (await rungsFilled(deps, tx, r)).find((i) => i >= current);
    if (next === undefined || reached >= periods) return undefined;
    const climbed = await tx
      .updateTable('reports')
      .set({ ladder_step: next + 1, ladder_kind: r.overdue, ladder_at: now })
      .where('id', '=', r.id)
      .where('ladder_step', '=', r.ladder_step)
      .where('ladder_kind', r.ladder_kind === null ? 'is' : '=', r.ladder_kind)
      .executeTakeFirst();
    if (Number(climbed.numUpdatedRows) === 0) return undefined;
    const rung = RUNGS[next];
    await markOverdue(tx, now, r.id, r.overdue);
    await recordRouting(tx, now, r.id, `ladder:${r.overdue}:${rung}`);
    await audit(tx, now, null, 'report.escalate', `report:${r.id}`, { rung, kind: r.overdue });
    const moved = { ...r, ladder_step: next + 1, ladder_kind: r.overdue, ladder_at: now };
    await tellRung(deps, tx, now, moved, rung, category.slaAckHours, category.slaFixHours);
    await refreshCard(deps, tx, now, moved);
    return rung;
  });
}

/** The indexes (in RUNGS) of the rungs that have someone on them. */
async function rungsFilled(deps: HazardDeps, tx: Executor, r: Report): Promise<number[]> {
  const filled: number[] = [];
  for (const [i, rung] of RUNGS.entries()) if ((await peopleOn(deps, tx, r, rung)).length > 0) filled.push(i);
  return filled;
}

async function tellRung(
  deps: HazardDeps,
  tx: Executor,
  now: number,
  r: Report & { overdue: OverdueKind },
  rung: Rung,
  ackHours: number,
  fixHours: number,
): Promise<void> {
  const hours = r.overdue === 'ack' ? ackHours : fixHours;
  if (rung === 'group') {
    const { chatId, locale } = (await committeeOf(deps, tx, r))!;
    // The group never had the card (its responder had it alone): it comes now, with the buttons.
    if (r.responder_id && r.grouped_at === null) {
      await tx.updateTable('reports').set({ grouped_at: now, group_due_at: null }).where('id', '=', r.id).execute();
      await postCard(deps, tx, now, r);
    }
    await enqueue(tx, now, {
      chatId,
      text: deps.i18n.translator(locale)(`hazards.overdue_${r.overdue}`, {
        id: publicId(r.id),
        category: escapeHtml(categoryName(deps, r.category, locale)),
        hours,
      }),
      priority: PRIORITY.group,
      ref: `report:${r.id}:overdue`,
    });
    return;
  }
  for (const userId of await peopleOn(deps, tx, r, rung)) {
    const locale = await deps.users.localeOf(userId, tx);
    const t = deps.i18n.translator(locale);
    const said = t(`grid.ladder_${rung}_${r.overdue}`, {
      id: publicId(r.id),
      category: escapeHtml(categoryName(deps, r.category, locale)),
      hours,
    });
    await enqueue(tx, now, {
      chatId: userId,
      text: `${said}\n\n${await renderCard(deps, tx, r, locale)}`,
      keyboard: staffKeyboard(r, t),
      priority: PRIORITY.personal,
      ref: `report:${r.id}:ladder:${rung}:${userId}`,
    });
  }
}
