import { postCard, type HazardDeps } from '../../hazards/services';
import { publicId } from '../../../domain/hazards';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { recordRouting } from './paging';

/**
 * A report its first responder did not acknowledge within settings.gridAckMinutes goes to the
 * committee group as any report would. Taken with one guarded UPDATE (`group_due_at` as read),
 * so several schedulers post the card once; the responder hears that the group has it now.
 */
export async function fallBackToGroup(deps: HazardDeps, now: number): Promise<number> {
  const due = await deps.db
    .selectFrom('reports')
    .selectAll()
    .where('group_due_at', 'is not', null)
    .where('group_due_at', '<=', now)
    .where('status', '=', 'new')
    .execute();
  let moved = 0;
  for (const r of due) {
    await deps.db.transaction().execute(async (tx) => {
      const taken = await tx
        .updateTable('reports')
        .set({ group_due_at: null, grouped_at: now })
        .where('id', '=', r.id)
        .where('group_due_at', '=', r.group_due_at)
        .where('status', '=', 'new')
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return;
      moved++;
      await recordRouting(tx, now, r.id, 'group:unacknowledged');
      await postCard(deps, tx, now, { ...r, group_due_at: null, grouped_at: now });
      if (r.responder_id) {
        const t = deps.i18n.translator(await deps.users.localeOf(Number(r.responder_id), tx));
        await enqueue(tx, now, {
          chatId: Number(r.responder_id),
          text: t('grid.went_to_group', { id: publicId(r.id), minutes: deps.communities.settings.gridAckMinutes }),
          priority: PRIORITY.personal,
          ref: `report:${r.id}:fallback`,
        });
      }
    });
  }
  if (moved > 0) deps.sender.poke();
  return moved;
}
