import { sql, type Expression } from 'kysely';
import { HOUR } from '../clock';
import type { Communities } from '../community/config';
import { addDays, isoDate, wallClock, zonedEpoch } from '../zoned-time';
import type { Executor } from '../store/db';
import type { ReportStatus } from '../store/schema/hazards';
import { isOverdue, dueAt } from './hazards';
import { OPEN_STATUSES } from './hazard-status';
import { askFigures, type AskFigures } from './ask';
import { parseAudience } from './notices';
import { electorate, optionsOf, tallies } from './polls';
import { bookingFigures } from './bookings';
import { countedMinutes, helpCounts, helpRatingsIn, hoursWithTeam } from './help';

/**
 * The committee's weekly figures, from plain queries over the features' tables. Every figure
 * is counted by when its event happened inside the week [start, end) in the local time zone,
 * so a past week's summary does not change as later weeks go by (except reports' "still open"
 * and "overdue", which are reconstructed from the report history as of the week's end).
 * The week still going is judged as it stands when the summary is built: a deadline or an
 * event later this week has not come yet, so it counts as neither missed nor held.
 *
 * The three rates (三率):
 * - response rate: of the reports whose acknowledgement was settled this week — answered by
 *   staff this week, or whose acknowledgement deadline (category SLA) passed this week without
 *   an answer — the share answered within the SLA. "Answered" is acknowledged (any staff move
 *   sets acknowledged_at) or rejected. Withdrawn reports do not count.
 * - resolution rate: the same for fixing: of the reports first fixed this week or whose fix
 *   deadline passed this week unfixed, the share fixed within the SLA. Rejected, withdrawn and
 *   handed-upward reports are not ours to fix and do not count as missed.
 * - satisfaction rate: ratings of 4 or 5 among all ratings given this week (residents rating a
 *   fixed hazard and requesters rating a done help task); the average rating beside it. A help
 *   rating staff recorded by phone for someone they filed for is counted apart (onBehalf…).
 * A rate is null when nothing was due or rated.
 * Medians are computed here from the week's rows, so the SQL stays portable.
 */

export interface Week {
  /** Local date of the Monday, "2031-03-03". */
  key: string;
  start: number;
  end: number;
}

/** The Monday-to-Sunday week (local time) that contains `at`. */
export function weekOf(at: number, timeZone: string): Week {
  const local = wallClock(at, timeZone);
  const monday = addDays(local, -((local.weekday + 6) % 7));
  return weekFrom(monday, timeZone);
}

export function weekFrom(monday: { year: number; month: number; day: number }, timeZone: string): Week {
  return { key: isoDate(monday), start: zonedEpoch(monday, timeZone), end: zonedEpoch(addDays(monday, 7), timeZone) };
}

/** The week `n` weeks before (negative: after). */
export function weeksBefore(week: Week, n: number, timeZone: string): Week {
  const [year, month, day] = week.key.split('-').map(Number);
  return weekFrom(addDays({ year, month, day }, -7 * n), timeZone);
}

/** The last complete week before `now`: what the Monday-morning summary reports. */
export function lastCompleteWeek(now: number, timeZone: string): Week {
  return weeksBefore(weekOf(now, timeZone), 1, timeZone);
}

export interface Rates {
  /** Percentages, rounded to whole numbers; null when nothing was due or rated. */
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
  /** One decimal. */
  averageRating: number | null;
  ackInSla: number;
  ackSettled: number;
  fixInSla: number;
  fixSettled: number;
  ratings: number;
  satisfied: number;
  /** Help ratings staff recorded by phone for someone they filed for (/requestfor): kept apart from the rate above; absent when none. */
  onBehalfRatings?: number;
  onBehalfSatisfied?: number;
}

export interface WeekFigures {
  week: Week;
  hazards: {
    new: number;
    acknowledged: number;
    ackInSla: number;
    fixed: number;
    reopened: number;
    handedUp: number;
    stillOpen: number;
    overdue: number;
    /** New reports per category id. */
    byCategory: Record<string, number>;
    /** Milliseconds; null when there was none. */
    medianAckMs: number | null;
    medianFixMs: number | null;
  };
  rates: Rates;
  help: { newRequests: number; claimed: number; done: number; released: number; medianClaimMs: number | null };
  volunteers: { active: number; new: number; minutes: number; top: { userId: number; name: string; minutes: number }[] };
  events: { held: number; attendance: number };
  broadcasts: { sent: number; delivered: number; unreachable: number };
  /** Questions to the committee (/ask): asked, answered within askSlaHours, and residents' replies to answers. */
  asks: AskFigures;
  /** The service hall's bookings that staff marked: came, and no-shows. */
  bookings: { attended: number; noShows: number };
}

export interface WeeklySummary {
  communityId: string;
  /** When the figures were judged: the week's end, or the moment the summary of the week in progress was built. */
  asOf: number;
  thisWeek: WeekFigures;
  lastWeek: WeekFigures;
  /** Eight weeks of rates, oldest first, ending with this week. */
  trend: { week: Week; rates: Rates }[];
  /** The comments given with ratings this week (hazard fixes, help, events): how many, and the newest COMMENTS_LISTED. */
  comments: { total: number; latest: RatingComment[] };
}

/** What a resident wrote after rating a fixed hazard, a help task or an event. */
export interface RatingComment {
  kind: 'event' | 'hazard' | 'help';
  /** The report, task or event. */
  id: number;
  /** The stars it came with (a hazard's current rating; null once a new fix cleared it). */
  score: number | null;
  text: string;
  at: number;
  /** The hazard's category id, the help type id or the event's title. */
  subject: string;
}

/** The summary lists this many comments (newest first), so the message stays well under 4096 characters. */
export const COMMENTS_LISTED = 8;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part * 100) / whole));
const inWeek = (at: number | null | undefined, w: Week) => at !== null && at !== undefined && at >= w.start && at < w.end;

/** A fix deadline passing in one of these is no miss: the report was not ours to fix. */
const NOT_OURS: readonly ReportStatus[] = ['rejected', 'withdrawn', 'handed_up'];

/**
 * A report's status just before `at`: its last status change before then (null: none, so
 * 'new'). A report closed before then (closed_at is when it reached a final status, which it
 * never leaves) is in its status now, so only the others are looked up in the history.
 */
function statusBefore(at: Expression<number> | number) {
  return sql<ReportStatus | null>`CASE WHEN reports.closed_at < ${at} THEN reports.status ELSE
    (SELECT e.to_status FROM report_events e WHERE e.report_id = reports.id AND e.to_status IS NOT NULL AND e.at < ${at} ORDER BY e.at DESC, e.id DESC LIMIT 1) END`;
}

/** dueAt(report, category, 'fix') in SQL, from the categories' SLAs. */
function fixDueSql(communities: Communities) {
  const slas = communities.config.hazardCategories.map((c) => sql`WHEN ${c.id} THEN ${sql.lit(c.slaFixHours * HOUR)}`);
  return sql<number>`reports.created_at + CASE reports.category ${sql.join(slas, sql` `)} END`;
}

/**
 * The reports created before `until`, each with its first fix before then (fixed_at, the last
 * fix, is null when there was none) and its status at the moments the figures need: the end
 * of this week and of last week, and its fix deadline.
 */
function reportFacts(db: Executor, communities: Communities, communityId: string, from: number, lastWeek: Week, until: number) {
  const fixDue = fixDueSql(communities);
  return (
    db
      .selectFrom('reports')
      .select(['id', 'category', 'status', 'created_at', 'acknowledged_at', 'closed_at'])
      .select([
        sql<number | null>`CASE WHEN reports.fixed_at IS NOT NULL THEN
        (SELECT e.at FROM report_events e WHERE e.report_id = reports.id AND e.action = 'fix' AND e.at < ${until} ORDER BY e.at LIMIT 1) END`.as(
          'first_fix',
        ),
        // Needed only when the deadline falls in the trend and the report may have missed it.
        sql<ReportStatus | null>`CASE WHEN ${fixDue} >= ${from} AND ${fixDue} < ${until} AND (reports.fixed_at IS NULL OR reports.fixed_at > ${fixDue}) THEN ${statusBefore(fixDue)} END`.as(
          'status_at_fix_due',
        ),
        statusBefore(until).as('status_at_end'),
        statusBefore(lastWeek.end).as('status_at_last_end'),
      ])
      .where('community_id', '=', communityId)
      .where('created_at', '<', until)
      // Closed before the trend began: no figure of these weeks can count it, however long the history.
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]))
      .execute()
  );
}

type LoadedReport = Awaited<ReturnType<typeof reportFacts>>[number];

/**
 * Everything the figures of the weeks [from, until) are computed from. A report's history is
 * not read row by row (it grows without end): the database answers, per report, its first fix
 * and its status at the moments the figures need — the end of this week and of last week, and
 * its fix deadline — each an indexed lookup. Of the history itself only the week's fixes,
 * reopenings and handings-up and the trend's ratings are read.
 */
async function load(
  db: Executor,
  communities: Communities,
  communityId: string,
  span: { from: number; lastWeek: Week; until: number; asOf: number },
) {
  const { from, lastWeek, until, asOf } = span;
  const reports = await reportFacts(db, communities, communityId, from, lastWeek, until);
  const reportEvents = await db
    .selectFrom('report_events')
    .innerJoin('reports', 'reports.id', 'report_events.report_id')
    .select(['report_events.report_id', 'report_events.at', 'report_events.action', 'report_events.note'])
    .where('reports.community_id', '=', communityId)
    .where('report_events.at', '>=', from)
    .where('report_events.at', '<', until)
    .where((eb) =>
      eb.or([
        eb('report_events.action', '=', 'rating'),
        eb.and([eb('report_events.action', 'in', ['fix', 'reopen', 'hand_up']), eb('report_events.at', '>=', lastWeek.start)]),
      ]),
    )
    .execute();
  const helpRatings = await helpRatingsIn(db, communityId, from, until);
  const scores = [
    ...reportEvents.filter((e) => e.action === 'rating').map((e) => ({ at: e.at, score: Number(e.note) })),
    ...helpRatings.filter((r) => !r.onBehalf).map((r) => ({ at: r.created_at, score: r.score })),
  ].filter((s) => s.score >= 1 && s.score <= 5);
  // Answers staff recorded by phone are counted apart: the satisfaction rate is the residents' own.
  const onBehalfScores = helpRatings.filter((r) => r.onBehalf).map((r) => ({ at: r.created_at, score: r.score }));
  return { reports, reportEvents, scores, onBehalfScores, asOf, settled: settlements(reports, communities, asOf) };
}

type Loaded = Awaited<ReturnType<typeof load>>;

/**
 * When each report's acknowledgement and fix were settled, and whether in the SLA: answered
 * (acknowledged, or rejected) or first fixed by the deadline, else the deadline itself — for
 * the fix, unless the report was not ours to fix then (null: not settled). A deadline still
 * to come at `asOf` (the summary of the current week, built before its end) settles nothing
 * yet: that report is neither late nor missed.
 */
function settlements(reports: LoadedReport[], communities: Communities, asOf: number) {
  const passed = (deadline: number | null) => (deadline !== null && deadline <= asOf ? deadline : null);
  const settled: { ackAt: number | null; ackInSla: boolean; fixAt: number | null; fixInSla: boolean }[] = [];
  for (const r of reports) {
    const category = communities.hazardCategory(r.category);
    if (!category || r.status === 'withdrawn') continue;
    const ackDeadline = dueAt(r, category, 'ack');
    const answeredAt = r.acknowledged_at ?? (r.status === 'rejected' ? r.closed_at : null);
    const ackInSla = answeredAt !== null && answeredAt <= ackDeadline;
    const fixDeadline = dueAt(r, category, 'fix');
    const fixInSla = r.first_fix !== null && r.first_fix <= fixDeadline;
    const missed = NOT_OURS.includes(r.status_at_fix_due ?? 'new') ? null : fixDeadline;
    settled.push({
      ackAt: ackInSla ? answeredAt : passed(ackDeadline),
      ackInSla,
      fixAt: fixInSla ? r.first_fix : passed(missed),
      fixInSla,
    });
  }
  return settled;
}

function rates(data: Loaded, w: Week): Rates {
  let ackInSla = 0;
  let ackSettled = 0;
  let fixInSla = 0;
  let fixSettled = 0;
  for (const s of data.settled) {
    if (inWeek(s.ackAt, w)) {
      ackSettled++;
      if (s.ackInSla) ackInSla++;
    }
    if (inWeek(s.fixAt, w)) {
      fixSettled++;
      if (s.fixInSla) fixInSla++;
    }
  }
  const scores = data.scores.filter((s) => inWeek(s.at, w)).map((s) => s.score);
  const satisfied = scores.filter((s) => s >= 4).length;
  const onBehalf = data.onBehalfScores.filter((s) => inWeek(s.at, w)).map((s) => s.score);
  return {
    response: percent(ackInSla, ackSettled),
    resolution: percent(fixInSla, fixSettled),
    satisfaction: percent(satisfied, scores.length),
    averageRating: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10 : null,
    ackInSla,
    ackSettled,
    fixInSla,
    fixSettled,
    ratings: scores.length,
    satisfied,
    // Only when there were any, so a week without them reads as before.
    ...(onBehalf.length > 0 ? { onBehalfRatings: onBehalf.length, onBehalfSatisfied: onBehalf.filter((s) => s >= 4).length } : {}),
  };
}

async function figures(
  db: Executor,
  communities: Communities,
  communityId: string,
  data: Loaded,
  w: Week,
  statusAtEnd: (r: LoadedReport) => ReportStatus | null,
): Promise<WeekFigures> {
  const help = await helpCounts(db, communityId, w.start, w.end);
  const claims = await db
    .selectFrom('task_events')
    .innerJoin('tasks', 'tasks.id', 'task_events.task_id')
    .select(['task_events.at', 'task_events.actor_id', 'tasks.created_at'])
    .where('task_events.community_id', '=', communityId)
    .where('task_events.kind', '=', 'claimed')
    .where('task_events.at', '>=', w.start)
    .where('task_events.at', '<', w.end)
    .execute();
  return {
    week: w,
    hazards: hazardFigures(communities, data, w, statusAtEnd),
    rates: rates(data, w),
    help: {
      newRequests: help.newRequests,
      claimed: help.claimed,
      done: help.done,
      released: help.released,
      medianClaimMs: median(claims.map((c) => c.at - c.created_at)),
    },
    volunteers: await volunteerFigures(db, communityId, w, claims),
    events: await eventFigures(db, communityId, w, data.asOf),
    broadcasts: await broadcastFigures(db, communityId, w),
    asks: await askFigures(db, communityId, w, data.asOf, communities.settings.askSlaHours),
    bookings: await bookingFigures(db, communityId, w),
  };
}

function hazardFigures(
  communities: Communities,
  data: Loaded,
  w: Week,
  statusAtEnd: (r: LoadedReport) => ReportStatus | null,
): WeekFigures['hazards'] {
  const reports = data.reports.filter((r) => r.created_at < w.end);
  const created = new Map(reports.map((r) => [r.id, r.created_at]));
  const weekEvents = data.reportEvents.filter((e) => inWeek(e.at, w));
  const fixes = weekEvents.filter((e) => e.action === 'fix');
  const newReports = reports.filter((r) => inWeek(r.created_at, w));
  const byCategory: Record<string, number> = {};
  for (const r of newReports) byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
  const acknowledged = reports.filter((r) => inWeek(r.acknowledged_at, w));
  let stillOpen = 0;
  let overdue = 0;
  for (const r of reports) {
    const status = statusAtEnd(r) ?? 'new';
    if (OPEN_STATUSES.includes(status)) stillOpen++;
    // Judged when the week ended, or now for the week still going: a deadline yet to come is not overdue.
    if (isOverdue({ created_at: r.created_at, status }, communities.hazardCategory(r.category), Math.min(w.end, data.asOf))) overdue++;
  }
  return {
    new: newReports.length,
    acknowledged: acknowledged.length,
    ackInSla: rates(data, w).ackInSla,
    fixed: fixes.length,
    reopened: weekEvents.filter((e) => e.action === 'reopen').length,
    handedUp: weekEvents.filter((e) => e.action === 'hand_up').length,
    stillOpen,
    overdue,
    byCategory,
    medianAckMs: median(acknowledged.map((r) => r.acknowledged_at! - r.created_at)),
    medianFixMs: median(fixes.map((e) => e.at - (created.get(e.report_id) ?? e.at))),
  };
}

async function volunteerFigures(
  db: Executor,
  communityId: string,
  w: Week,
  claims: { actor_id: number | null }[],
): Promise<WeekFigures['volunteers']> {
  const hours = await db
    .selectFrom('hours')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('at', '>=', w.start)
    .where('at', '<', w.end)
    .execute();
  const minutesBy = new Map<number, number>();
  for (const h of hours)
    if (h.volunteer_id !== null) minutesBy.set(h.volunteer_id, (minutesBy.get(h.volunteer_id) ?? 0) + countedMinutes(h));
  const active = new Set([...minutesBy.keys(), ...claims.flatMap((c) => (c.actor_id === null ? [] : [c.actor_id]))]);
  const topIds = [...minutesBy].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
  const names = await firstNames(
    db,
    topIds.map(([id]) => id),
  );
  const joined = await db
    .selectFrom('team_members')
    .select('user_id')
    .where('community_id', '=', communityId)
    .where('status', '=', 'approved')
    .where('decided_at', '>=', w.start)
    .where('decided_at', '<', w.end)
    .execute();
  return {
    active: active.size,
    // An erased volunteer's row stays for the counts: each one is a person of its own.
    new: new Set(joined.map((j, i) => j.user_id ?? `erased:${i}`)).size,
    minutes:
      [...minutesBy.values()].reduce((a, b) => a + b, 0) +
      hours.filter((h) => h.volunteer_id === null).reduce((a, h) => a + countedMinutes(h), 0),
    top: topIds.map(([userId, minutes]) => ({ userId, name: names.get(userId) ?? '', minutes })),
  };
}

/** Events of the week that have begun by `asOf` (one later this week is not held yet). */
async function eventFigures(db: Executor, communityId: string, w: Week, asOf: number): Promise<WeekFigures['events']> {
  const events = await db
    .selectFrom('events')
    .select('id')
    .where('community_id', '=', communityId)
    .where('status', '!=', 'cancelled')
    .where('starts_at', '>=', w.start)
    .where('starts_at', '<', w.end)
    .where('starts_at', '<=', asOf)
    .execute();
  const attended = events.length
    ? await db
        .selectFrom('rsvps')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(
          'event_id',
          'in',
          events.map((e) => e.id),
        )
        .where('attended', '=', 1)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  return { held: events.length, attendance: Number(attended.n) };
}

async function broadcastFigures(db: Executor, communityId: string, w: Week): Promise<WeekFigures['broadcasts']> {
  const broadcasts = await db
    .selectFrom('broadcasts')
    .select('id')
    .where('community_id', '=', communityId)
    .where('created_at', '>=', w.start)
    .where('created_at', '<', w.end)
    .execute();
  const reach = broadcasts.length
    ? await db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where(
          'broadcast_id',
          'in',
          broadcasts.map((b) => b.id),
        )
        .groupBy('status')
        .execute()
    : [];
  const reachOf = (status: string) => Number(reach.find((r) => r.status === status)?.n ?? 0);
  return { sent: broadcasts.length, delivered: reachOf('sent'), unreachable: reachOf('unreachable') };
}

export const TREND_WEEKS = 8;

/**
 * The summary of a week for one community, beside the week before, with the eight-week trend
 * of the rates, as it stands at `now`: every deadline is judged at min(its week's end, now), so
 * the current week's summary counts no report as late before its deadline has come.
 */
export async function weeklySummary(
  db: Executor,
  communities: Communities,
  communityId: string,
  week: Week,
  timeZone: string,
  now: number,
): Promise<WeeklySummary> {
  const trendWeeks = Array.from({ length: TREND_WEEKS }, (_, i) => weeksBefore(week, TREND_WEEKS - 1 - i, timeZone));
  const lastWeek = weeksBefore(week, 1, timeZone);
  const asOf = Math.min(week.end, now);
  const data = await load(db, communities, communityId, { from: trendWeeks[0].start, lastWeek, until: week.end, asOf });
  return {
    communityId,
    asOf,
    thisWeek: await figures(db, communities, communityId, data, week, (r) => r.status_at_end),
    lastWeek: await figures(db, communities, communityId, data, lastWeek, (r) => r.status_at_last_end),
    trend: trendWeeks.map((w) => ({ week: w, rates: rates(data, w) })),
    comments: await ratingComments(db, communityId, week),
  };
}

/** Newest first; ties by kind, id and text, so the order is the same however the rows came. */
export function byNewest(a: RatingComment, b: RatingComment): number {
  return b.at - a.at || a.kind.localeCompare(b.kind) || a.id - b.id || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/** The week's comments: on a hazard's fix (its history), on help (ratings) and on events (rsvps). */
async function ratingComments(db: Executor, communityId: string, w: Week): Promise<WeeklySummary['comments']> {
  const end = w.end;
  const hazards = await db
    .selectFrom('report_events')
    .innerJoin('reports', 'reports.id', 'report_events.report_id')
    .select(['reports.id', 'reports.rating as score', 'report_events.note as text', 'report_events.at', 'reports.category as subject'])
    .where('reports.community_id', '=', communityId)
    .where('report_events.action', '=', 'comment')
    .where('report_events.at', '>=', w.start)
    .where('report_events.at', '<', end)
    .execute();
  const help = await db
    .selectFrom('ratings')
    .innerJoin('tasks', 'tasks.id', 'ratings.task_id')
    .innerJoin('help_requests', 'help_requests.id', 'tasks.request_id')
    .select([
      'ratings.task_id as id',
      'ratings.score',
      'ratings.comment as text',
      'ratings.created_at as at',
      'help_requests.type as subject',
    ])
    .where('ratings.community_id', '=', communityId)
    .where('ratings.comment', 'is not', null)
    .where('ratings.created_at', '>=', w.start)
    .where('ratings.created_at', '<', end)
    .execute();
  const events = await db
    .selectFrom('rsvps')
    .innerJoin('events', 'events.id', 'rsvps.event_id')
    .select(['events.id', 'rsvps.rating as score', 'rsvps.rating_comment as text', 'rsvps.rated_at as at', 'events.title as subject'])
    .where('events.community_id', '=', communityId)
    .where('rsvps.rating_comment', 'is not', null)
    .where('rsvps.rated_at', '>=', w.start)
    .where('rsvps.rated_at', '<', end)
    .execute();
  const all: RatingComment[] = [
    ...hazards.map((r) => ({ ...r, kind: 'hazard' as const })),
    ...help.map((r) => ({ ...r, kind: 'help' as const })),
    ...events.map((r) => ({ ...r, kind: 'event' as const })),
  ]
    .filter((c) => c.text)
    .map((c) => ({
      kind: c.kind,
      id: Number(c.id),
      score: c.score === null ? null : Number(c.score),
      text: c.text!,
      at: Number(c.at),
      subject: c.subject,
    }));
  return { total: all.length, latest: all.sort(byNewest).slice(0, COMMENTS_LISTED) };
}

/**
 * The rows for the ledger (台账) of a week or any [start, end): no phone numbers, addresses or
 * requesters' names; staff and volunteers by first name.
 */
export async function ledgerRows(db: Executor, communityId: string, w: Pick<Week, 'start' | 'end'>) {
  // Reports and requests alike: this community's, created in the week.
  const createdInWeek = sql<boolean>`community_id = ${communityId} AND created_at >= ${w.start} AND created_at < ${w.end}`;
  const reports = await db
    .selectFrom('reports')
    .select(['id', 'created_at', 'category', 'building_id', 'status', 'owner_id', 'acknowledged_at', 'fixed_at', 'rating'])
    .where(createdInWeek)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const requests = await db
    .selectFrom('help_requests')
    .select(['id', 'created_at', 'type', 'building_id', 'urgent', 'status'])
    .where(createdInWeek)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const { tasks, doneBy } = await tasksOfRequests(
    db,
    communityId,
    requests.map((r) => r.id),
  );
  const hours = await db
    .selectFrom('hours')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('at', '>=', w.start)
    .where('at', '<', w.end)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const who = await firstNames(db, [
    ...reports.map((r) => r.owner_id),
    ...tasks.map((t) => t.claimed_by),
    ...doneBy.map((d) => d.actor_id),
    ...hours.map((h) => h.volunteer_id),
  ]);
  const latestTask = new Map(tasks.map((t) => [t.request_id, t]));
  const doneByTask = new Map(doneBy.map((d) => [d.task_id, d.actor_id]));
  return {
    events: await ledgerEvents(db, communityId, w),
    polls: await ledgerPolls(db, communityId, w),
    questions: await ledgerQuestions(db, communityId, w),
    reports: reports.map((r) => ({ ...r, owner: r.owner_id === null ? '' : (who.get(r.owner_id) ?? '') })),
    requests: requests.map((r) => {
      const task = latestTask.get(r.id);
      const volunteerId = task?.claimed_by ?? (task && doneByTask.get(task.id)) ?? null;
      // A request staff have not approved (or declined, or that was cancelled first) has no task: its own status stands.
      return {
        ...r,
        taskStatus: task?.status ?? (r.status === 'active' || r.status === 'closed' ? null : r.status),
        doneAt: task?.done_at ?? null,
        volunteer: volunteerId === null ? '' : (who.get(volunteerId) ?? ''),
      };
    }),
    hours: hours.map((h) => ({
      at: h.at,
      taskId: h.task_id,
      shiftId: h.shift_id,
      minutes: countedMinutes(h),
      volunteer: h.volunteer_id === null ? '' : (who.get(h.volunteer_id) ?? ''),
    })),
  };
}

/** The events that started in [start, end), with how many said they would come, came and rated, and the average rating. */
async function ledgerEvents(db: Executor, communityId: string, w: Pick<Week, 'start' | 'end'>) {
  const rows = await db
    .selectFrom('events')
    .leftJoin('rsvps', 'rsvps.event_id', 'events.id')
    .select((eb) => [
      'events.id',
      'events.title',
      'events.place',
      'events.starts_at',
      'events.capacity',
      'events.status',
      eb.fn.count<number>(eb.case().when('rsvps.status', '=', 'going').then(1).end()).as('going'),
      eb.fn.count<number>(eb.case().when('rsvps.attended', '=', 1).then(1).end()).as('attended'),
      eb.fn.count<number>('rsvps.rating').as('ratings'),
      eb.fn.avg<number | null>('rsvps.rating').as('averageRating'),
    ])
    .where('events.community_id', '=', communityId)
    .where('events.starts_at', '>=', w.start)
    .where('events.starts_at', '<', w.end)
    .groupBy(['events.id', 'events.title', 'events.place', 'events.starts_at', 'events.capacity', 'events.status'])
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .execute();
  // PostgreSQL gives counts as strings and the average as a numeric string.
  return rows.map((e) => ({
    ...e,
    going: Number(e.going),
    attended: Number(e.attended),
    ratings: Number(e.ratings),
    averageRating: e.averageRating === null ? null : Math.round(Number(e.averageRating) * 10) / 10,
  }));
}

/**
 * The polls opened in [start, end): their rules, how many the poll reached and how many voted,
 * and the counts per option (tallies). Never who chose what: the ledger reads no ballot.
 */
async function ledgerPolls(db: Executor, communityId: string, w: Pick<Week, 'start' | 'end'>) {
  const polls = await db
    .selectFrom('polls')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('created_at', '>=', w.start)
    .where('created_at', '<', w.end)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return Promise.all(
    polls.map(async (p) => ({
      id: p.id,
      question: p.question,
      options: optionsOf(p),
      audience: parseAudience(p.audience),
      multiple: Boolean(p.multiple),
      anonymous: Boolean(p.anonymous),
      perHousehold: Boolean(p.per_household),
      round: Number(p.round),
      selection: p.keep_top !== null || Number(p.round) > 1,
      openedAt: p.created_at,
      closesAt: p.closes_at,
      closedAt: p.closed_at,
      recipients: (await electorate(db, p)).length,
      voters: Number(p.voters),
      votes: await tallies(db, p.id),
    })),
  );
}

/** The questions and suggestions (/ask) asked in [start, end): when, where and how they went; no asker and no text. */
async function ledgerQuestions(db: Executor, communityId: string, w: Pick<Week, 'start' | 'end'>) {
  const rows = await db
    .selectFrom('questions')
    .select(['id', 'topic', 'building_id', 'created_at', 'first_answered_at', 'overdue_at', 'resolved_at', 'rounds'])
    .where('community_id', '=', communityId)
    .where('created_at', '>=', w.start)
    .where('created_at', '<', w.end)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((q) => ({ ...q, rounds: Number(q.rounds) }));
}

/**
 * Was the question's first wait answered within the SLA? Yes or no once it is settled (first
 * answered, or marked overdue unanswered); null while it still waits in time. As the weekly
 * summary's figure (askFigures), only the first wait counts.
 */
export function answeredInSla(
  q: { created_at: number; first_answered_at: number | null; overdue_at: number | null },
  slaHours: number,
): boolean | null {
  if (q.first_answered_at !== null) return q.first_answered_at <= q.created_at + slaHours * HOUR;
  return q.overdue_at !== null ? false : null;
}

/** First names by user id (people who erased their data have none). */
async function firstNames(db: Executor, ids: (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'first_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((u) => [u.id, u.first_name]));
}

/** The tasks of these requests, and who finished each one that is done. */
async function tasksOfRequests(db: Executor, communityId: string, requestIds: number[]) {
  const tasks = requestIds.length
    ? await db
        .selectFrom('tasks')
        .select(['id', 'request_id', 'status', 'claimed_by', 'done_at'])
        .where('request_id', 'in', requestIds)
        .orderBy('id')
        .execute()
    : [];
  const doneBy = tasks.length
    ? await db
        .selectFrom('task_events')
        .select(['task_id', 'actor_id'])
        // The community narrows it to an index (task_events has none on task_id).
        .where('community_id', '=', communityId)
        .where('kind', '=', 'done')
        .where(
          'task_id',
          'in',
          tasks.map((t) => t.id),
        )
        .execute()
    : [];
  return { tasks, doneBy };
}

export type LedgerData = Awaited<ReturnType<typeof ledgerRows>>;

/**
 * A team's volunteer hours in [from, to) (hours of its tasks and its shifts) and its three most
 * active members who agreed to be named in the group; the others count in the total only.
 */
export async function monthlyTopVolunteers(db: Executor, communityId: string, teamId: string, from: number, to: number, limit = 3) {
  const hours = await hoursWithTeam(db, communityId).where('hours.at', '>=', from).where('hours.at', '<', to).execute();
  const minutesBy = new Map<number, number>();
  let totalMinutes = 0;
  for (const h of hours) {
    if ((h.task_team ?? h.shift_team) !== teamId) continue;
    totalMinutes += countedMinutes(h);
    if (h.volunteer_id !== null) minutesBy.set(h.volunteer_id, (minutesBy.get(h.volunteer_id) ?? 0) + countedMinutes(h));
  }
  const agreed = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.id', 'users.first_name'])
    .where('team_members.community_id', '=', communityId)
    .where('team_members.team_id', '=', teamId)
    .where('team_members.status', '=', 'approved')
    .where('team_members.agreed_to_be_named', '=', 1)
    .execute();
  const named = agreed
    .map((u) => ({ userId: u.id, name: u.first_name, minutes: minutesBy.get(u.id) ?? 0 }))
    .filter((v) => v.minutes > 0)
    .sort((a, b) => b.minutes - a.minutes || a.userId - b.userId)
    .slice(0, limit);
  return { totalMinutes, named };
}
