import type { Selectable } from 'kysely';
import type { Db, Executor } from '../store/db';
import type { TeamMembersTable } from '../store/schema/help';
import { audit } from './audit';

/**
 * Volunteer teams: sign-up (pending), the lead's or staff's decision, and who counts as a
 * member when a Claim or Join button is pressed.
 */

export type TeamMember = Selectable<TeamMembersTable>;

export interface SignUp {
  userId: number;
  communityId: string;
  teams: string[];
  skills?: string;
  availability?: string;
  phone?: string;
  agreedToBeNamed: boolean;
}

/**
 * Records a sign-up for each team. Someone already approved for a team stays approved; a
 * declined or pending row becomes a fresh pending one. Returns the rows that now wait for a decision.
 */
export async function signUp(
  db: Db,
  now: number,
  s: SignUp,
  then: (tx: Executor, pending: TeamMember[]) => Promise<void>,
): Promise<TeamMember[]> {
  return db.transaction().execute(async (tx) => {
    const pending: TeamMember[] = [];
    for (const teamId of s.teams) {
      const fields = {
        skills: s.skills ?? null,
        availability: s.availability ?? null,
        phone: s.phone ?? null,
        agreed_to_be_named: s.agreedToBeNamed ? 1 : 0,
      };
      const existing = await membership(tx, s.userId, s.communityId, teamId);
      if (existing?.status === 'approved') {
        await tx.updateTable('team_members').set(fields).where('id', '=', existing.id).execute();
        continue;
      }
      if (existing) {
        await tx
          .updateTable('team_members')
          .set({ ...fields, status: 'pending', created_at: now, decided_at: null, decided_by: null })
          .where('id', '=', existing.id)
          .execute();
      } else {
        await tx
          .insertInto('team_members')
          .values({
            user_id: s.userId,
            community_id: s.communityId,
            team_id: teamId,
            role: 'member',
            status: 'pending',
            created_at: now,
            decided_at: null,
            decided_by: null,
            ...fields,
          })
          .execute();
      }
      pending.push((await membership(tx, s.userId, s.communityId, teamId))!);
    }
    await audit(tx, now, s.userId, 'volunteer.signup', `user:${s.userId}`, { teams: s.teams });
    await then(tx, pending);
    return pending;
  });
}

export function membership(db: Executor, userId: number, communityId: string, teamId: string): Promise<TeamMember | undefined> {
  return db
    .selectFrom('team_members')
    .selectAll()
    .where('user_id', '=', userId)
    .where('community_id', '=', communityId)
    .where('team_id', '=', teamId)
    .executeTakeFirst();
}

export function findMember(db: Executor, id: number): Promise<TeamMember | undefined> {
  return db.selectFrom('team_members').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An approved member (or lead) of the team: who may claim its tasks and join its shifts. */
export async function isTeamMember(db: Executor, userId: number, communityId: string, teamId: string): Promise<boolean> {
  return (await membership(db, userId, communityId, teamId))?.status === 'approved';
}

export async function isTeamLead(db: Executor, userId: number, communityId: string, teamId: string): Promise<boolean> {
  const m = await membership(db, userId, communityId, teamId);
  return m?.status === 'approved' && m.role === 'lead';
}

export async function leadsOf(db: Executor, communityId: string, teamId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('team_members')
    .select('user_id')
    .where('community_id', '=', communityId)
    .where('team_id', '=', teamId)
    .where('role', '=', 'lead')
    .where('status', '=', 'approved')
    .execute();
  return rows.map((r) => r.user_id).filter((id): id is number => id !== null);
}

/**
 * Approves or declines a pending sign-up: one guarded UPDATE, so a lead and a staff member
 * pressing at once decide it once. An approved resident becomes a volunteer.
 */
export async function decideMember(
  db: Db,
  now: number,
  memberId: number,
  approve: boolean,
  by: number,
  then: (tx: Executor, m: TeamMember) => Promise<void>,
): Promise<TeamMember | undefined> {
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('team_members')
      .set({ status: approve ? 'approved' : 'declined', decided_at: now, decided_by: by })
      .where('id', '=', memberId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    const m = (await findMember(tx, memberId))!;
    if (approve && m.user_id !== null) {
      await tx
        .updateTable('users')
        .set({ role: 'volunteer', updated_at: now })
        .where('id', '=', m.user_id)
        .where('role', '=', 'resident')
        .execute();
    }
    await audit(tx, now, by, approve ? 'volunteer.approve' : 'volunteer.decline', `user:${m.user_id}`, { team: m.team_id });
    await then(tx, m);
    return m;
  });
}

/** A team lead invited with /invite gets an approved lead row for their team. */
export async function ensureLead(db: Executor, now: number, userId: number, communityId: string, teamId: string): Promise<void> {
  const existing = await membership(db, userId, communityId, teamId);
  if (existing) {
    await db.updateTable('team_members').set({ role: 'lead', status: 'approved', decided_at: now }).where('id', '=', existing.id).execute();
    return;
  }
  await db
    .insertInto('team_members')
    .values({
      user_id: userId,
      community_id: communityId,
      team_id: teamId,
      role: 'lead',
      status: 'approved',
      skills: null,
      availability: null,
      phone: null,
      agreed_to_be_named: 1,
      created_at: now,
      decided_at: now,
      decided_by: null,
    })
    .execute();
}

export function teamsOf(db: Executor, userId: number): Promise<TeamMember[]> {
  return db.selectFrom('team_members').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}
