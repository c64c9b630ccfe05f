import { audit } from '../../../domain/audit';
import type { Db, Executor } from '../../../store/db';
import type { Role } from '../../../store/schema';
import type { GridKind } from '../../../store/schema/grid';

/**
 * Who holds a role in a community, and taking it back: staff (by an admin, as only admins make
 * staff), team leads and team members (by staff of that community). Each change is one guarded
 * UPDATE (the row must still hold what the button showed), so two presses change it once; the
 * person's role then follows what they still hold.
 */

export interface RoleHolder {
  /** The row a button names: the user id for staff and grid duties, the team_members id for leads and members. */
  id: number;
  userId: number;
  name: string;
  username: string | null;
  teamId?: string;
  /** A grid duty's building and kind (grid worker or building head). */
  grid?: { buildingId: string; kind: GridKind };
}

/** The sections of the /staff list, in order: staff, team leads, grid workers and building heads. */
export const PEOPLE_SECTIONS = ['staff', 'lead', 'grid'] as const;
export type PeopleSection = (typeof PEOPLE_SECTIONS)[number];

export function staffOfCommunity(db: Executor, communityId: string): Promise<RoleHolder[]> {
  return db
    .selectFrom('users')
    .select(['id', 'id as userId', 'first_name as name', 'username'])
    .where('community_id', '=', communityId)
    .where('role', '=', 'staff')
    .orderBy('first_name')
    .execute();
}

/** The community's grid workers and building heads (src/features/grid), by building. */
export async function gridOfCommunity(db: Executor, communityId: string): Promise<RoleHolder[]> {
  const rows = await db
    .selectFrom('grid_roles')
    .innerJoin('users', 'users.id', 'grid_roles.user_id')
    .select(['users.id', 'users.first_name', 'users.username', 'grid_roles.building_id', 'grid_roles.kind'])
    .where('grid_roles.community_id', '=', communityId)
    .orderBy('grid_roles.building_id')
    .orderBy('grid_roles.kind', 'desc')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.id),
    name: r.first_name,
    username: r.username,
    grid: { buildingId: r.building_id, kind: r.kind },
  }));
}

/** Approved members of a community's teams; only its leads when `role` says so. */
export async function membersOfCommunity(
  db: Executor,
  communityId: string,
  filter: { role?: 'lead'; teamId?: string } = {},
): Promise<RoleHolder[]> {
  let q = db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['team_members.id', 'users.id as userId', 'users.first_name as name', 'users.username', 'team_members.team_id as teamId'])
    .where('team_members.community_id', '=', communityId)
    .where('team_members.status', '=', 'approved');
  if (filter.role) q = q.where('team_members.role', '=', filter.role);
  if (filter.teamId) q = q.where('team_members.team_id', '=', filter.teamId);
  return q.orderBy('team_members.team_id').orderBy('users.first_name').execute();
}

/** What a person's role becomes from the team rows they still hold (staff and admins keep theirs). */
async function settleRole(tx: Executor, now: number, userId: number): Promise<void> {
  const rows = await tx.selectFrom('team_members').select('role').where('user_id', '=', userId).where('status', '=', 'approved').execute();
  const role: Role = rows.some((r) => r.role === 'lead') ? 'lead' : rows.length > 0 ? 'volunteer' : 'resident';
  await tx
    .updateTable('users')
    .set({ role, updated_at: now })
    .where('id', '=', userId)
    .where('role', 'in', ['resident', 'volunteer', 'lead'])
    .execute();
}

export type Revoked = { ok: true; userId: number; teamId?: string } | { ok: false };

/** Staff → what their team rows make them; only while they are still staff of that community. */
export async function revokeStaff(db: Db, now: number, by: number, userId: number, communityId: string): Promise<Revoked> {
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('users')
      .set({ role: 'resident', updated_at: now })
      .where('id', '=', userId)
      .where('role', '=', 'staff')
      .where('community_id', '=', communityId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return { ok: false } as const;
    await settleRole(tx, now, userId);
    await audit(tx, now, by, 'staff.revoke', `user:${userId}`, { community: communityId });
    return { ok: true, userId } as const;
  });
}

/** A team lead becomes a plain member of that team (still an approved volunteer). */
export async function revokeLead(db: Db, now: number, by: number, memberId: number, communityId: string): Promise<Revoked> {
  return changeMember(db, now, by, memberId, communityId, 'lead.revoke', { role: 'member' }, 'lead');
}

/** A volunteer leaves a team: the row is kept (declined) for the counts, as /deleteme keeps it. */
export async function removeFromTeam(db: Db, now: number, by: number, memberId: number, communityId: string): Promise<Revoked> {
  return changeMember(db, now, by, memberId, communityId, 'team.remove', {
    status: 'declined',
    role: 'member',
    decided_at: now,
    decided_by: by,
  });
}

async function changeMember(
  db: Db,
  now: number,
  by: number,
  memberId: number,
  communityId: string,
  action: string,
  set: { role: 'member'; status?: 'declined'; decided_at?: number; decided_by?: number },
  onlyRole?: 'lead',
): Promise<Revoked> {
  return db.transaction().execute(async (tx) => {
    let q = tx
      .updateTable('team_members')
      .set(set)
      .where('id', '=', memberId)
      .where('community_id', '=', communityId)
      .where('status', '=', 'approved');
    if (onlyRole) q = q.where('role', '=', onlyRole);
    const r = await q.executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return { ok: false } as const;
    const m = await tx.selectFrom('team_members').select(['user_id', 'team_id']).where('id', '=', memberId).executeTakeFirstOrThrow();
    if (m.user_id === null) return { ok: false } as const;
    await settleRole(tx, now, m.user_id);
    await audit(tx, now, by, action, `user:${m.user_id}`, { team: m.team_id });
    return { ok: true, userId: m.user_id, teamId: m.team_id } as const;
  });
}
