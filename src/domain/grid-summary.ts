import { HOUR } from '../clock';
import type { Communities } from '../community/config';
import type { Executor } from '../store/db';
import { median, type Week } from './summary';
import { unitsOf } from './units';

/**
 * The weekly summary's figures of issue 18: per grid (a grid worker and the buildings they answer
 * for) the week's reports, acknowledged in time and fixed in time; per partner unit the reports of
 * its frontage (its buildings and spots), fixed, and the median time to fix; hand-ups made, settled, settled in time (by the
 * first expected date) and still open. Deadlines are judged as of `asOf`, like the rest of the summary.
 */

export interface GridFigures {
  grids: { userId: number; name: string; buildings: string[]; reports: number; ackInTime: number; fixInTime: number }[];
  units: { id: number; name: string; reports: number; fixed: number; medianFixMs: number | null }[];
  handUps: { made: number; settled: number; settledInTime: number; open: number };
}

export async function gridFigures(
  db: Executor,
  communities: Communities,
  communityId: string,
  w: Week,
  asOf: number,
): Promise<GridFigures> {
  const until = Math.min(w.end, asOf);
  const reports = await db
    .selectFrom('reports')
    .select(['building_id', 'spot_id', 'category', 'created_at', 'acknowledged_at', 'fixed_at'])
    .where('community_id', '=', communityId)
    .where('created_at', '>=', w.start)
    .where('created_at', '<', until)
    .execute();
  const sla = (category: string) => communities.hazardCategory(category);
  const inTime = (at: number | null, from: number, hours: number | undefined) =>
    at !== null && at <= asOf && hours !== undefined && at - from <= hours * HOUR;
  const of = (buildings: string[], spots: string[] = []) =>
    reports.filter((r) => (r.building_id !== null && buildings.includes(r.building_id)) || (r.spot_id && spots.includes(r.spot_id)));

  const workers = await db
    .selectFrom('grid_roles')
    .leftJoin('users', 'users.id', 'grid_roles.user_id')
    .select(['grid_roles.user_id', 'grid_roles.building_id', 'users.first_name'])
    .where('grid_roles.community_id', '=', communityId)
    .where('grid_roles.kind', '=', 'worker')
    .orderBy('grid_roles.user_id')
    .execute();
  const byWorker = new Map<number, { name: string; buildings: string[] }>();
  for (const row of workers) {
    const entry = byWorker.get(Number(row.user_id)) ?? { name: row.first_name ?? '', buildings: [] };
    entry.buildings.push(row.building_id);
    byWorker.set(Number(row.user_id), entry);
  }
  const grids = [...byWorker].map(([userId, g]) => {
    const mine = of(g.buildings);
    return {
      userId,
      ...g,
      reports: mine.length,
      ackInTime: mine.filter((r) => inTime(r.acknowledged_at, r.created_at, sla(r.category)?.slaAckHours)).length,
      fixInTime: mine.filter((r) => inTime(r.fixed_at, r.created_at, sla(r.category)?.slaFixHours)).length,
    };
  });

  const units = (await unitsOf(db, communityId)).map((u) => {
    // A unit's reports: those of its buildings and those shared near its spots.
    const mine = of(u.buildings, u.spots);
    const fixed = mine.filter((r) => r.fixed_at !== null && r.fixed_at <= asOf);
    return {
      id: Number(u.id),
      name: u.name,
      reports: mine.length,
      fixed: fixed.length,
      medianFixMs: median(fixed.map((r) => r.fixed_at! - r.created_at)),
    };
  });

  const handUps = await db
    .selectFrom('hand_ups')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('handed_at', '<', until)
    .execute();
  const settledThisWeek = handUps.filter((h) => h.answered_at !== null && h.answered_at >= w.start && h.answered_at < until);
  return {
    grids,
    units,
    handUps: {
      made: handUps.filter((h) => h.handed_at >= w.start).length,
      settled: settledThisWeek.length,
      settledInTime: settledThisWeek.filter((h) => h.answered_at! <= h.first_expected_at).length,
      open: handUps.filter((h) => h.answered_at === null || h.answered_at >= until).length,
    },
  };
}
