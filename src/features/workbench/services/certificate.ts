import type { Communities } from '../../../community/config';
import { countedMinutes } from '../../../domain/help';
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
  const rows = await db
    .selectFrom('hours')
    .leftJoin('tasks', 'tasks.id', 'hours.task_id')
    .leftJoin('shifts', 'shifts.id', 'hours.shift_id')
    .select([
      'hours.minutes',
      'hours.corrected_minutes',
      'hours.approved',
      'hours.at',
      'hours.task_id',
      'hours.shift_id',
      'tasks.team_id as task_team',
      'shifts.team_id as shift_team',
    ])
    .where('hours.volunteer_id', '=', userId)
    .where('hours.community_id', '=', communityId)
    .orderBy('hours.at')
    .execute();
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
  const rows = await db
    .selectFrom('hours')
    .innerJoin('users', 'users.id', 'hours.volunteer_id')
    .select(['users.id', 'users.first_name', 'hours.minutes', 'hours.corrected_minutes', 'hours.approved'])
    .where('hours.community_id', '=', communityId)
    .execute();
  const people = new Map<number, { id: number; name: string; minutes: number }>();
  for (const h of rows) {
    const p = people.get(h.id) ?? { id: h.id, name: h.first_name, minutes: 0 };
    p.minutes += countedMinutes(h);
    people.set(h.id, p);
  }
  return [...people.values()].sort((a, b) => b.minutes - a.minutes || a.id - b.id).slice(0, limit);
}
