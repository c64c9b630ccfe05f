import { randomBytes } from 'node:crypto';
import { HOUR } from '../clock';
import type { Db } from '../store/db';
import type { Role } from '../store/schema';
import { audit } from './audit';
import { atLeast } from './roles';

/**
 * One-time invitation links: an admin invites staff, staff invite team leads. The token is
 * the deep-link payload (`inv-<token>`); redeeming is one guarded UPDATE, so a link works once
 * even if two people open it at the same moment.
 */

export const INVITE_TTL_MS = 48 * HOUR;
/** 'resident' invitations change no role: they grant a responsibility (`grants`: a grid role, a partner unit's contact). */
export type InviteRole = Extract<Role, 'staff' | 'lead' | 'resident'>;

/** Which invitations a role may create. */
export function mayInvite(inviter: Role, invitee: InviteRole): boolean {
  return invitee === 'staff' ? inviter === 'admin' : atLeast(inviter, 'staff');
}

export async function createInvite(
  db: Db,
  now: number,
  by: { id: number; role: Role },
  invite: { role: InviteRole; communityId: string; teamId?: string; grants?: string },
): Promise<string> {
  if (!mayInvite(by.role, invite.role)) throw new Error('not allowed to invite this role');
  const token = randomBytes(12).toString('base64url');
  await db
    .insertInto('invites')
    .values({
      token,
      role: invite.role,
      community_id: invite.communityId,
      team_id: invite.teamId ?? null,
      created_by: by.id,
      created_at: now,
      expires_at: now + INVITE_TTL_MS,
      used_by: null,
      used_at: null,
      grants: invite.grants ?? null,
    })
    .execute();
  await audit(db, now, by.id, 'invite.create', `invite:${token.slice(0, 4)}`, {
    role: invite.role,
    community: invite.communityId,
    team: invite.teamId,
    grants: invite.grants,
  });
  return token;
}

export type RedeemResult =
  | { ok: true; role: InviteRole; communityId: string; teamId: string | null; grants: string | null }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

export async function redeemInvite(db: Db, now: number, token: string, userId: number): Promise<RedeemResult> {
  return db.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('invites')
      .set({ used_by: userId, used_at: now })
      .where('token', '=', token)
      .where('used_by', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    const invite = await tx.selectFrom('invites').selectAll().where('token', '=', token).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0 || !invite) {
      if (!invite) return { ok: false, reason: 'unknown' } as const;
      return { ok: false, reason: invite.used_by !== null ? 'used' : 'expired' } as const;
    }
    const role = invite.role as InviteRole;
    // An invitation never lowers someone: a staff member invited as a lead stays staff.
    const user = await tx.selectFrom('users').select(['role']).where('id', '=', userId).executeTakeFirst();
    const newRole = user && atLeast(user.role, role) ? user.role : role;
    await tx
      .updateTable('users')
      .set({ role: newRole, community_id: invite.community_id, updated_at: now })
      .where('id', '=', userId)
      .execute();
    await audit(tx, now, userId, 'invite.redeem', `user:${userId}`, { role, community: invite.community_id, team: invite.team_id });
    return { ok: true, role, communityId: invite.community_id, teamId: invite.team_id, grants: invite.grants } as const;
  });
}
