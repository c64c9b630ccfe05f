import { gridPersonOf, type Responder } from '../../../domain/grid';
import { publicId, type Report } from '../../../domain/hazards';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { HazardDeps } from '../../hazards/services';
import { categoryName } from '../../hazards/views/card';

/**
 * A building head (楼长) hears of every new hazard report of their building, whoever has it: its
 * grid worker, the partner unit whose frontage it is, the committee (no one named for the
 * building), or, for an emergency, the staff being paged. No buttons: a head watches over the
 * building, and acts only as a resident would.
 *
 * Decided: heads hear of reports only, not of help requests or questions. Those carry a
 * resident's own needs (a frail neighbour's errand, a question about their papers): they go to
 * whoever handles them, and a neighbour who is building head is not one of those.
 */

/** Who has a new report, as the head is told. */
export type ReportHolder = Responder['kind'] | 'committee' | 'emergency';

/** `responder`: whom submitReport sent it to first (none: the committee group has it). */
export async function tellBuildingHead(
  deps: HazardDeps,
  tx: Executor,
  now: number,
  r: Report,
  responder: Responder | undefined,
): Promise<void> {
  const head = r.building_id ? await gridPersonOf(tx, r.community_id, r.building_id, 'head') : undefined;
  // The head who made the report, or who has it as its first responder, knows already.
  if (!head || head === r.reporter_id || head === responder?.userId) return;
  const holder: ReportHolder = r.emergency ? 'emergency' : (responder?.kind ?? 'committee');
  const locale = await deps.users.localeOf(head, tx);
  const category = escapeHtml(categoryName(deps, r.category, locale));
  await enqueue(tx, now, {
    chatId: head,
    text: deps.i18n.translator(locale)('grid.head_notice', { id: publicId(r.id), category, holder }),
    priority: PRIORITY.personal,
    ref: `report:${r.id}:head`,
  });
}
