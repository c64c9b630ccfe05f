import { sql } from 'kysely';
import type { Communities } from '../../../community/config';
import type { Executor } from '../../../store/db';
import type { User } from '../../../store/schema';

/**
 * /find: residents of one community by name or by building. A query that names a building
 * (its id, or its name in any language, or a part of it) lists that building's residents;
 * otherwise it is a part of a first name or @username. LIKE's own characters in the query are
 * escaped, so "%" finds a "%", not everyone.
 */

export const FIND_LIMIT = 20;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function buildingsMatching(communities: Communities, communityId: string, query: string): string[] {
  const q = query.toLowerCase();
  const buildings = communities.community(communityId)?.buildings ?? [];
  const exact = buildings.filter((b) => b.id === q || Object.values(b.name).some((n) => n.toLowerCase() === q));
  if (exact.length) return exact.map((b) => b.id);
  return buildings.filter((b) => Object.values(b.name).some((n) => n.toLowerCase().includes(q))).map((b) => b.id);
}

export async function findResidents(
  db: Executor,
  communities: Communities,
  communityId: string,
  query: string,
): Promise<{ people: User[]; more: boolean; by: 'building' | 'name' }> {
  const buildings = buildingsMatching(communities, communityId, query);
  const like = `%${likeEscape(query.toLowerCase())}%`;
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('privacy_accepted_at', 'is not', null)
    .where((eb) =>
      buildings.length
        ? eb('building_id', 'in', buildings)
        : // ESCAPE spelled out: SQLite has no default escape character (PostgreSQL's is the backslash).
          sql<boolean>`(lower(first_name) LIKE ${like} ESCAPE '\\' OR lower(username) LIKE ${like} ESCAPE '\\')`,
    )
    .orderBy('building_id')
    .orderBy('first_name')
    .limit(FIND_LIMIT + 1)
    .execute();
  return { people: rows.slice(0, FIND_LIMIT), more: rows.length > FIND_LIMIT, by: buildings.length ? 'building' : 'name' };
}
