import type { Communities } from '../../../community/config';
import { overdueReports } from '../../../domain/hazards';
import { OPEN_STATUSES } from '../../../domain/hazard-status';
import { lastCompleteWeek, weeklySummary, type Rates, type Week } from '../../../domain/summary';
import type { Executor } from '../../../store/db';

/**
 * The street office's view: every community side by side over the last complete week, ranked
 * the way the street offices' own reports rank them — by the three rates (their mean, the rates
 * that had anything to count), then by fewer overdue reports, then by more volunteer hours.
 */

export interface CommunityStanding {
  communityId: string;
  rank: number;
  rates: Rates;
  /** Mean of the rates that are not null; null when none had anything to count. */
  score: number | null;
  open: number;
  overdue: number;
  volunteerMinutes: number;
  eventsHeld: number;
  attendance: number;
}

export interface StreetView {
  week: Week;
  standings: CommunityStanding[];
}

function score(r: Rates): number | null {
  const known = [r.response, r.resolution, r.satisfaction].filter((v): v is number => v !== null);
  return known.length ? Math.round(known.reduce((a, b) => a + b, 0) / known.length) : null;
}

function byStanding(a: CommunityStanding, b: CommunityStanding): number {
  return (
    (b.score ?? -1) - (a.score ?? -1) ||
    a.overdue - b.overdue ||
    b.volunteerMinutes - a.volunteerMinutes ||
    a.communityId.localeCompare(b.communityId)
  );
}

export async function streetView(db: Executor, communities: Communities, timeZone: string, now: number): Promise<StreetView> {
  const week = lastCompleteWeek(now, timeZone);
  const overdue = await overdueReports(db, now, communities.config.hazardCategories);
  const open = await db
    .selectFrom('reports')
    .select(['community_id', db.fn.countAll<number>().as('n')])
    .where('status', 'in', OPEN_STATUSES)
    .groupBy('community_id')
    .execute();
  const standings: CommunityStanding[] = [];
  for (const c of communities.all) {
    const s = await weeklySummary(db, communities, c.id, week, timeZone, now);
    standings.push({
      communityId: c.id,
      rank: 0,
      rates: s.thisWeek.rates,
      score: score(s.thisWeek.rates),
      open: Number(open.find((o) => o.community_id === c.id)?.n ?? 0),
      overdue: overdue.filter((r) => r.community_id === c.id).length,
      volunteerMinutes: s.thisWeek.volunteers.minutes,
      eventsHeld: s.thisWeek.events.held,
      attendance: s.thisWeek.events.attendance,
    });
  }
  standings.sort(byStanding).forEach((s, i) => (s.rank = i + 1));
  return { week, standings };
}
