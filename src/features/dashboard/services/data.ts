import { DAY } from '../../../clock';
import type { Communities } from '../../../community/config';
import { findReport, isOverdue, type OverdueKind, type QueueFilter, type Report } from '../../../domain/hazards';
import { OPEN_STATUSES, STATUSES } from '../../../domain/hazard-status';
import { hoursByVolunteer } from '../../../domain/help';
import { weekOf, weeklySummary, type Rates, type Week } from '../../../domain/summary';
import type { Executor } from '../../../store/db';

/** What the dashboard's pages show, read straight from the features' tables (no telegraf here). */

/** The staff queue's filter (domain/hazards.ts), by building too; the community is the viewer's. */
export type ReportFilter = Omit<QueueFilter, 'communityId'> & { building?: string };

export const LIST_LIMIT = 200;

/** Reads a filter from the query string; anything unknown falls back to "open, any". */
export function parseFilter(q: URLSearchParams, communities: Communities, communityId: string): ReportFilter {
  const status = q.get('status') ?? 'open';
  const category = q.get('category') ?? '';
  const building = q.get('building') ?? '';
  return {
    status: status === 'all' || (STATUSES as string[]).includes(status) ? (status as ReportFilter['status']) : 'open',
    category: communities.config.hazardCategories.some((c) => c.id === category) ? category : undefined,
    building: communities.community(communityId)?.buildings.some((b) => b.id === building) ? building : undefined,
    overdue: q.get('overdue') === '1' || undefined,
  };
}

export type ListedReport = Report & { overdue: OverdueKind | undefined };

export async function listReports(
  db: Executor,
  communities: Communities,
  communityId: string,
  f: ReportFilter,
  now: number,
): Promise<ListedReport[]> {
  let q = db.selectFrom('reports').selectAll().where('community_id', '=', communityId);
  if (f.status === 'open') q = q.where('status', 'in', OPEN_STATUSES);
  else if (f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.building) q = q.where('building_id', '=', f.building);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.overdue ? 10_000 : LIST_LIMIT)
    .execute();
  const byId = new Map(communities.config.hazardCategories.map((c) => [c.id, c]));
  const listed = rows.map((r) => ({ ...r, overdue: isOverdue(r, byId.get(r.category), now) }));
  return (f.overdue ? listed.filter((r) => r.overdue) : listed).slice(0, LIST_LIMIT);
}

export interface ReportDetail {
  report: ListedReport;
  photos: { id: number; kind: 'report' | 'fix'; added_at: number }[];
  history: { at: number; action: string; to_status: string | null; note: string | null; actor: string | null }[];
  reporter: string | null;
  supporters: number;
}

export async function reportDetail(db: Executor, communities: Communities, id: number, now: number): Promise<ReportDetail | undefined> {
  const r = await findReport(db, id);
  if (!r) return undefined;
  const category = communities.config.hazardCategories.find((c) => c.id === r.category);
  const [photos, history, reporter, supporters] = await Promise.all([
    db.selectFrom('report_photos').select(['id', 'kind', 'added_at']).where('report_id', '=', id).orderBy('id').execute(),
    db
      .selectFrom('report_events')
      .leftJoin('users', 'users.id', 'report_events.actor_id')
      .select(['report_events.at', 'report_events.action', 'report_events.to_status', 'report_events.note', 'users.first_name as actor'])
      .where('report_id', '=', id)
      .orderBy('report_events.at')
      .orderBy('report_events.id')
      .execute(),
    r.reporter_id === null ? undefined : db.selectFrom('users').select('first_name').where('id', '=', r.reporter_id).executeTakeFirst(),
    db
      .selectFrom('report_followers')
      .select(db.fn.countAll<number>().as('n'))
      .where('report_id', '=', id)
      .where('kind', '=', 'supporter')
      .executeTakeFirst(),
  ]);
  return {
    report: { ...r, overdue: isOverdue(r, category, now) },
    photos,
    history,
    reporter: reporter?.first_name ?? null,
    supporters: Number(supporters?.n ?? 0),
  };
}

/** The photo row and the community of its report, for the proxy's permission check. */
export function photoWithCommunity(db: Executor, photoId: number) {
  return db
    .selectFrom('report_photos')
    .innerJoin('reports', 'reports.id', 'report_photos.report_id')
    .select(['report_photos.file_id', 'reports.community_id'])
    .where('report_photos.id', '=', photoId)
    .executeTakeFirst();
}

export interface Trends {
  weeks: { week: Week; rates: Rates }[];
  /** New reports per week and category id, in the order of `weeks`. */
  byCategory: Record<string, number>[];
}

export const TREND_WEEKS = 8;

/** The eight weeks up to and including the current one: the three rates and new reports by category. */
export async function trends(db: Executor, communities: Communities, communityId: string, timeZone: string, now: number): Promise<Trends> {
  const current = weekOf(now, timeZone);
  const summary = await weeklySummary(db, communities, communityId, current, timeZone, now);
  const weeks = summary.trend.slice(-TREND_WEEKS);
  const rows = await db
    .selectFrom('reports')
    .select(['category', 'created_at'])
    .where('community_id', '=', communityId)
    .where('created_at', '>=', weeks[0].week.start)
    .where('created_at', '<', current.end)
    .execute();
  const byCategory = weeks.map(({ week }) => {
    const counts: Record<string, number> = {};
    for (const r of rows) if (r.created_at >= week.start && r.created_at < week.end) counts[r.category] = (counts[r.category] ?? 0) + 1;
    return counts;
  });
  return { weeks, byCategory };
}

export interface VolunteerRow {
  userId: number | null;
  name: string | null;
  teams: string[];
  lead: boolean;
  /** Counted minutes in the last 28 days and in all time. */
  recentMinutes: number;
  totalMinutes: number;
}

/** Approved team members and everyone with hours, most hours first. */
export async function volunteers(db: Executor, communityId: string, now: number): Promise<VolunteerRow[]> {
  const [members, recent, total] = await Promise.all([
    db
      .selectFrom('team_members')
      .leftJoin('users', 'users.id', 'team_members.user_id')
      .select(['team_members.user_id', 'team_members.team_id', 'team_members.role', 'users.first_name'])
      .where('team_members.community_id', '=', communityId)
      .where('team_members.status', '=', 'approved')
      .where('team_members.user_id', 'is not', null)
      .execute(),
    hoursByVolunteer(db, communityId, now - 28 * DAY, now + 1),
    hoursByVolunteer(db, communityId, 0, now + 1),
  ]);
  const rows = new Map<number, VolunteerRow>();
  for (const m of members) {
    const row = rows.get(m.user_id!) ?? {
      userId: m.user_id,
      name: m.first_name,
      teams: [],
      lead: false,
      recentMinutes: 0,
      totalMinutes: 0,
    };
    row.teams.push(m.team_id);
    row.lead ||= m.role === 'lead';
    rows.set(m.user_id!, row);
  }
  for (const h of total) {
    if (h.volunteerId === null) continue;
    const row = rows.get(h.volunteerId) ?? { userId: h.volunteerId, name: null, teams: [], lead: false, recentMinutes: 0, totalMinutes: 0 };
    row.totalMinutes = h.minutes;
    row.recentMinutes = recent.find((r) => r.volunteerId === h.volunteerId)?.minutes ?? 0;
    rows.set(h.volunteerId, row);
  }
  const missing = [...rows.values()].filter((r) => r.name === null).map((r) => r.userId!);
  if (missing.length > 0) {
    const users = await db.selectFrom('users').select(['id', 'first_name']).where('id', 'in', missing).execute();
    for (const u of users) rows.get(u.id)!.name = u.first_name;
  }
  return [...rows.values()].sort((a, b) => b.totalMinutes - a.totalMinutes || (a.name ?? '').localeCompare(b.name ?? ''));
}

export interface EventRow {
  id: number;
  title: string;
  place: string;
  startsAt: number;
  status: 'open' | 'cancelled';
  capacity: number | null;
  going: number;
  waiting: number;
  /** Null while the event is still to come. */
  attended: number | null;
  averageRating: number | null;
}

/** Events from 90 days ago onwards, upcoming first then the most recent. */
export async function events(db: Executor, communityId: string, now: number): Promise<EventRow[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('starts_at', '>=', now - 90 * DAY)
    .orderBy('starts_at', 'desc')
    .limit(100)
    .execute();
  if (rows.length === 0) return [];
  const rsvps = await db
    .selectFrom('rsvps')
    .select(['event_id', 'status', 'attended', 'rating'])
    .where(
      'event_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((e) => {
    const mine = rsvps.filter((r) => r.event_id === e.id);
    const ratings = mine.flatMap((r) => (r.rating === null ? [] : [r.rating]));
    return {
      id: e.id,
      title: e.title,
      place: e.place,
      startsAt: e.starts_at,
      status: e.status,
      capacity: e.capacity,
      going: mine.filter((r) => r.status === 'going').length,
      waiting: mine.filter((r) => r.status === 'waiting').length,
      attended: e.starts_at > now ? null : mine.filter((r) => r.attended === 1).length,
      averageRating: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null,
    };
  });
}
