import type { CoreDeps } from '../../../deps';
import { committeeGroup } from '../../../domain/chat-links';
import { onDutyNow, pageRungOf, PAGE_RUNGS } from '../../../domain/duty';
import { publicId, type Report } from '../../../domain/hazards';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import type { Executor } from '../../../store/db';

/**
 * Emergency paging through the duty rota: rounds 0 … N-1 page whoever is on duty now, the next N
 * every staff member of the community, the next N the street office's admins (N is
 * settings.pageRepeats); then paging stops (the committee group keeps its escalations). Nobody
 * on duty: the first round says so to the committee group and pages everyone. Every round is
 * recorded in the report's history.
 */

type PagingDeps = Pick<CoreDeps, 'db' | 'users' | 'communities' | 'config' | 'i18n'>;

/** How many rounds of pages an emergency gets in all. */
export const pageRounds = (deps: Pick<CoreDeps, 'communities'>) => PAGE_RUNGS.length * deps.communities.settings.pageRepeats;

/** Who a round pages (people with an id), recording the round on the report. */
export async function pageTargets(deps: PagingDeps, tx: Executor, now: number, r: Report, round: number): Promise<{ id: number }[]> {
  const rung = pageRungOf(round, deps.communities.settings.pageRepeats);
  if (!rung) return [];
  const staff = await deps.users.staffOf(r.community_id, tx);
  if (rung === 'admins') {
    await recordRouting(tx, now, r.id, `page:admins:${round}`);
    return deps.config.adminIds.map((id) => ({ id }));
  }
  if (rung === 'staff') {
    await recordRouting(tx, now, r.id, `page:staff:${round}`);
    return staff;
  }
  const onDuty = await onDutyNow(tx, r.community_id, now, deps.config.timezone);
  if (onDuty) {
    await recordRouting(tx, now, r.id, `page:duty:${round}`);
    return [{ id: onDuty }];
  }
  await recordRouting(tx, now, r.id, `page:nobody_on_duty:${round}`);
  if (round === 0) await tellNobodyOnDuty(deps, tx, now, r);
  return staff;
}

async function tellNobodyOnDuty(deps: PagingDeps, tx: Executor, now: number, r: Report): Promise<void> {
  const committee = await committeeGroup(tx, r.community_id, deps.config.defaultLocale);
  if (!committee) return;
  const { chatId, locale } = committee;
  const t = deps.i18n.translator(locale);
  await enqueue(tx, now, {
    chatId,
    text: t('grid.nobody_on_duty', { id: publicId(r.id) }),
    priority: PRIORITY.group,
    ref: `report:${r.id}:noduty`,
  });
}

/** A routing or escalation step in the report's history (no status change): its note says which. */
export async function recordRouting(db: Executor, now: number, reportId: number, note: string): Promise<void> {
  await db
    .insertInto('report_events')
    .values({
      report_id: reportId,
      at: now,
      actor_id: null,
      action: 'route',
      from_status: null,
      to_status: null,
      note,
      voice_file_id: null,
      voice_seconds: null,
    })
    .execute();
}
