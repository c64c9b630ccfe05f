import type { CoreDeps } from '../../../deps';
import { createInvite, INVITE_TTL_MS } from '../../../domain/invites';
import type { Role } from '../../../store/schema';

/** Names and invitations the grid feature's views and handlers share. */

/** First names of these people, by id (one query). */
export async function namesOf(deps: Pick<CoreDeps, 'db'>, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.db.selectFrom('users').select(['id', 'first_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [Number(r.id), r.first_name]));
}

/**
 * A one-time link that grants a duty without changing anyone's role (a grid worker, a building
 * head, a partner unit's contact): redeemed like any invitation (core/services acceptInvite).
 */
export async function grantInviteLink(
  deps: Pick<CoreDeps, 'db' | 'clock' | 'botUsername'>,
  by: { id: number; role: Role },
  communityId: string,
  grants: string,
): Promise<{ link: string; hours: number }> {
  const token = await createInvite(deps.db, deps.clock.now(), by, { role: 'resident', communityId, grants });
  return { link: `https://t.me/${deps.botUsername()}?start=inv-${token}`, hours: INVITE_TTL_MS / 3_600_000 };
}

/** The community a staff member works in; an admin's own, or the first configured. */
export function workingCommunity(deps: Pick<CoreDeps, 'communities'>, who: { role: Role; communityId: string | null | undefined }): string {
  if (who.role !== 'admin') return who.communityId ?? '';
  return who.communityId && deps.communities.community(who.communityId) ? who.communityId : deps.communities.all[0]!.id;
}
