import type { PrivacySpec } from '../../bot/feature';
import { DAY } from '../../clock';
import type { CoreDeps } from '../../deps';
import { audit } from '../../domain/audit';
import { applyGrant } from '../../domain/grid';
import { redeemInvite } from '../../domain/invites';
import { ensureLead } from '../../domain/volunteers';
import { REDELIVERY_WINDOW } from '../../domain/redelivery';

/** What happens when someone accepts an invitation or erases themselves. */

/** Redeems an invitation deep link for this person. */
export async function acceptInvite(deps: Pick<CoreDeps, 'db' | 'clock'>, token: string, userId: number) {
  const now = deps.clock.now();
  const result = await redeemInvite(deps.db, now, token, userId);
  // A team lead's invitation also makes them the lead of that team (see domain/volunteers).
  if (result.ok && result.role === 'lead' && result.teamId) await ensureLead(deps.db, now, userId, result.communityId, result.teamId);
  // A grid worker's, building head's or unit contact's invitation grants that duty (see domain/grid).
  if (result.ok && result.grants) await applyGrant(deps.db, now, userId, result.communityId, result.grants);
  return result;
}

/** /deleteme: every feature's personal data, the profile, who did what in the audit trail, messages to them. */
export async function eraseUser(deps: Pick<CoreDeps, 'db' | 'clock'>, privacy: PrivacySpec[], userId: number): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    for (const part of privacy) await part.erase(userId, tx as never);
    await tx.deleteFrom('users').where('id', '=', userId).execute();
    // The audit trail keeps what happened, not who did it; messages to them are not kept either.
    await tx.updateTable('audit_log').set({ actor_id: null }).where('actor_id', '=', userId).execute();
    await tx.deleteFrom('outbox').where('chat_id', '=', userId).execute();
    await audit(tx, deps.clock.now(), null, 'user.erased', 'user:erased');
  });
}

/**
 * Update ids are remembered to drop redeliveries; Telegram keeps an update for 24 hours, so after a week
 * no row matters any more, finished or not (a claim left by a crash can no longer be redelivered).
 */
export async function forgetProcessedUpdates(deps: Pick<CoreDeps, 'db'>, now: number): Promise<void> {
  await deps.db
    .deleteFrom('processed_updates')
    .where('at', '<', now - 7 * DAY)
    .execute();
  // Past the window nothing can be redelivered, and Telegram may reuse an id (src/domain/redelivery.ts).
  for (const table of ['reports', 'help_requests', 'questions', 'broadcasts'] as const) {
    await deps.db
      .updateTable(table)
      .set({ update_id: null })
      .where('update_id', 'is not', null)
      .where('created_at', '<', now - REDELIVERY_WINDOW)
      .execute();
  }
}
