import type { Communities } from '../../../community/config';
import { countedMinutes, hoursByVolunteer, hoursWithTeam } from '../../../domain/help';
import type { Executor } from '../../../store/db';

/**
 * The figures of a volunteer's hours certificate (志愿服务时长证明): every hour credited to
 * them in a community (tasks and patrol shifts; a correction counts once approved), by team.
 */

export interface CertificateFacts {
  userId: number;
  name: string;
  communityId: string;
  totalMinutes: number;
  /** Team id → minutes, largest first. */
  byTeam: { teamId: string | null; minutes: number }[];
  tasks: number;
  shifts: number;
  first: number | null;
  last: number | null;
}

export async function certificateFacts(
  db: Executor,
  communities: Communities,
  userId: number,
  communityId: string,
): Promise<CertificateFacts | undefined> {
  const user = await db.selectFrom('users').select(['id', 'first_name']).where('id', '=', userId).executeTakeFirst();
  if (!user || !communities.community(communityId)) return undefined;
  const rows = await hoursWithTeam(db, communityId).where('hours.volunteer_id', '=', userId).orderBy('hours.at').execute();
  const byTeam = new Map<string | null, number>();
  for (const h of rows) {
    const team = h.task_team ?? h.shift_team ?? null;
    byTeam.set(team, (byTeam.get(team) ?? 0) + countedMinutes(h));
  }
  return {
    userId,
    name: user.first_name,
    communityId,
    totalMinutes: [...byTeam.values()].reduce((a, b) => a + b, 0),
    byTeam: [...byTeam].map(([teamId, minutes]) => ({ teamId, minutes })).sort((a, b) => b.minutes - a.minutes),
    tasks: new Set(rows.filter((h) => h.task_id !== null).map((h) => h.task_id)).size,
    shifts: new Set(rows.filter((h) => h.shift_id !== null).map((h) => h.shift_id)).size,
    first: rows.length ? Number(rows[0].at) : null,
    last: rows.length ? Number(rows.at(-1)!.at) : null,
  };
}

/** The volunteers of a community with any credited hours, most hours first (for staff choosing one). */
export async function volunteersWithHours(db: Executor, communityId: string, limit = 30) {
  const sums = (await hoursByVolunteer(db, communityId, 0, Number.MAX_SAFE_INTEGER)).filter((s) => s.volunteerId !== null).slice(0, limit);
  if (sums.length === 0) return [];
  const names = await db
    .selectFrom('users')
    .select(['id', 'first_name'])
    .where(
      'id',
      'in',
      sums.map((s) => s.volunteerId!),
    )
    .execute();
  const name = new Map(names.map((u) => [u.id, u.first_name]));
  return sums.flatMap((s) =>
    name.has(s.volunteerId!) ? [{ id: s.volunteerId!, name: name.get(s.volunteerId!)!, minutes: s.minutes }] : [],
  );
}
