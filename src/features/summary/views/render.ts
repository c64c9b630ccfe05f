import type { Communities } from '../../../community/config';
import { publicId } from '../../../domain/hazards';
import type { LedgerData, RatingComment, Rates, WeekFigures, WeeklySummary } from '../../../domain/summary';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { addDays, isoDate, isoMinute, wallClock } from '../../../zoned-time';
import type { ChartInput } from './chart';
import { toCsv } from './ledger';

/** Turns the summary's figures into the group message, the chart's labels and the ledger, in one language. */

export interface RenderContext {
  t: Translate;
  locale: Locale;
  communities: Communities;
  timeZone: string;
}

const HOUR_MS = 3_600_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

export function weekRange(week: { key: string }): { from: string; to: string } {
  const [year, month, day] = week.key.split('-').map(Number);
  return { from: week.key, to: isoDate(addDays({ year, month, day }, 6)) };
}

function duration(ms: number | null, t: Translate): string {
  if (ms === null) return t('summary.none');
  if (ms < HOUR_MS) return t('summary.duration_minutes', { n: Math.round(ms / 60_000) });
  if (ms < 48 * HOUR_MS) return t('summary.duration_hours', { n: round1(ms / HOUR_MS) });
  return t('summary.duration_days', { n: round1(ms / (24 * HOUR_MS)) });
}

export const hoursText = (minutes: number, t: Translate) => t('summary.hours_value', { n: round1(minutes / 60) });

function rate(value: number | null, part: number, whole: number, t: Translate): string {
  return value === null ? t('summary.none') : t('summary.rate_value', { rate: value, part, whole });
}

/** " · ▲4", " · ▼33 pts", " · no change"; nothing when either week has no figure. */
function change(now: number | null, before: number | null, t: Translate, unit: 'count' | 'points' | 'decimal'): string {
  if (now === null || before === null) return '';
  const diff = unit === 'decimal' ? round1(now - before) : Math.round(now - before);
  if (diff === 0) return t('summary.change_same');
  const key = `summary.change_${diff > 0 ? 'up' : 'down'}${unit === 'points' ? '_points' : ''}`;
  return t(key, { n: Math.abs(diff) });
}

export function communityName(ctx: RenderContext, communityId: string): string {
  const c = ctx.communities.community(communityId);
  return c ? c.name[ctx.locale] : communityId;
}

/** The summary as an HTML message (well under Telegram's 4096 characters). */
export function renderSummaryText(s: WeeklySummary, ctx: RenderContext): string {
  const { t } = ctx;
  const now = s.thisWeek;
  const last = s.lastWeek;
  // This week in full, last week in short, then the change: "Response rate: 67% (2/3) · last week 100% · ▼33 pts".
  const line = (label: string, value: string | number, before: string | number, delta = '') =>
    t('summary.figure', { label: t(label), value, last: before, change: delta });
  const count = (label: string, pick: (f: WeekFigures) => number) =>
    line(label, pick(now), pick(last), change(pick(now), pick(last), t, 'count'));
  const rateLine = (label: string, pick: (r: Rates) => [number | null, number, number]) => {
    const [value, before] = [pick(now.rates)[0], pick(last.rates)[0]];
    const short = before === null ? t('summary.none') : t('summary.rate_short', { rate: before });
    return line(label, rate(...pick(now.rates), t), short, change(value, before, t, 'points'));
  };
  const average = [now.rates.averageRating, last.rates.averageRating] as const;
  /** A rate of two of the week's counts (part of whole), beside last week's. */
  const figureRate = (label: string, pick: (f: WeekFigures) => [number, number]) => {
    const pct = (f: WeekFigures) => (pick(f)[1] ? Math.round((100 * pick(f)[0]) / pick(f)[1]) : null);
    const before = pct(last);
    const short = before === null ? t('summary.none') : t('summary.rate_short', { rate: before });
    return line(label, rate(pct(now), ...pick(now), t), short, change(pct(now), before, t, 'points'));
  };

  const categories = [...new Set([...Object.keys(now.hazards.byCategory), ...Object.keys(last.hazards.byCategory)])].sort(
    (a, b) => (now.hazards.byCategory[b] ?? 0) - (now.hazards.byCategory[a] ?? 0) || a.localeCompare(b),
  );
  const categoryLines = categories.map((id) =>
    t('summary.category_line', {
      name: escapeHtml(ctx.communities.hazardCategory(id)?.name[ctx.locale] ?? id),
      value: now.hazards.byCategory[id] ?? 0,
      last: last.hazards.byCategory[id] ?? 0,
    }),
  );
  const top = now.volunteers.top.map((v, i) =>
    t('summary.top_line', { rank: i + 1, name: escapeHtml(v.name), hours: hoursText(v.minutes, t) }),
  );
  const { from, to } = weekRange(now.week);
  // The week in progress says so, and when its figures were taken.
  const period =
    s.asOf < now.week.end
      ? t('summary.period_so_far', { from, to, time: isoMinute(wallClock(s.asOf, ctx.timeZone)).replace('T', ' ') })
      : t('summary.period', { from, to });

  return [
    t('summary.title', { community: escapeHtml(communityName(ctx, s.communityId)) }),
    period,
    '',
    `<b>${t('summary.section_rates')}</b>`,
    rateLine('summary.rate_response', (r) => [r.response, r.ackInSla, r.ackSettled]),
    rateLine('summary.rate_resolution', (r) => [r.resolution, r.fixInSla, r.fixSettled]),
    rateLine('summary.rate_satisfaction', (r) => [r.satisfaction, r.satisfied, r.ratings]),
    // Ratings staff recorded by phone for someone they filed for: shown, but kept out of the rate.
    ...(now.rates.onBehalfRatings
      ? [t('summary.rate_on_behalf', { n: now.rates.onBehalfRatings, satisfied: now.rates.onBehalfSatisfied ?? 0 })]
      : []),
    line('summary.average_rating', average[0] ?? t('summary.none'), average[1] ?? t('summary.none'), change(...average, t, 'decimal')),
    '',
    `<b>${t('summary.section_hazards')}</b>`,
    count('summary.hz_new', (f) => f.hazards.new),
    count('summary.hz_ack_in_sla', (f) => f.hazards.ackInSla),
    count('summary.hz_fixed', (f) => f.hazards.fixed),
    count('summary.hz_reopened', (f) => f.hazards.reopened),
    count('summary.hz_handed_up', (f) => f.hazards.handedUp),
    count('summary.hz_still_open', (f) => f.hazards.stillOpen),
    count('summary.hz_overdue', (f) => f.hazards.overdue),
    line('summary.hz_median_ack', duration(now.hazards.medianAckMs, t), duration(last.hazards.medianAckMs, t)),
    line('summary.hz_median_fix', duration(now.hazards.medianFixMs, t), duration(last.hazards.medianFixMs, t)),
    `${t('summary.hz_by_category')}${categoryLines.length ? '' : ` ${t('summary.none')}`}`,
    ...categoryLines,
    '',
    `<b>${t('summary.section_help')}</b>`,
    count('summary.help_new', (f) => f.help.newRequests),
    count('summary.help_claimed', (f) => f.help.claimed),
    count('summary.help_done', (f) => f.help.done),
    count('summary.help_released', (f) => f.help.released),
    line('summary.help_median_claim', duration(now.help.medianClaimMs, t), duration(last.help.medianClaimMs, t)),
    '',
    `<b>${t('summary.section_volunteers')}</b>`,
    count('summary.vol_active', (f) => f.volunteers.active),
    count('summary.vol_new', (f) => f.volunteers.new),
    line('summary.vol_hours', hoursText(now.volunteers.minutes, t), hoursText(last.volunteers.minutes, t)),
    `${t('summary.vol_top')}${top.length ? '' : ` ${t('summary.none')}`}`,
    ...top,
    '',
    `<b>${t('summary.section_events')}</b>`,
    count('summary.ev_held', (f) => f.events.held),
    count('summary.ev_attendance', (f) => f.events.attendance),
    count('summary.bc_sent', (f) => f.broadcasts.sent),
    count('summary.bc_delivered', (f) => f.broadcasts.delivered),
    count('summary.bc_unreachable', (f) => f.broadcasts.unreachable),
    '',
    `<b>${t('summary.section_asks')}</b>`,
    count('summary.ask_asked', (f) => f.asks.asked),
    figureRate('summary.ask_in_sla', (f) => [f.asks.answeredInSla, f.asks.slaSettled]),
    figureRate('summary.ask_satisfied', (f) => [f.asks.satisfied, f.asks.replies]),
    count('summary.bk_attended', (f) => f.bookings.attended),
    count('summary.bk_no_shows', (f) => f.bookings.noShows),
    '',
    ...commentLines(s.comments, ctx),
  ].join('\n');
}

/** A comment in the summary keeps to this many characters, so eight of them fit beside the figures. */
const COMMENT_CHARS = 100;

/** What a comment was about: "H-12 (Street light)", "Task #5 (Errands)", "“Health check”". */
function commentSubject(c: RatingComment, ctx: RenderContext): string {
  const { t, communities, locale } = ctx;
  if (c.kind === 'hazard')
    return t('summary.comment_hazard', {
      id: publicId(c.id),
      category: escapeHtml(communities.hazardCategory(c.subject)?.name[locale] ?? c.subject),
    });
  if (c.kind === 'help')
    return t('summary.comment_help', { id: c.id, type: escapeHtml(communities.helpType(c.subject)?.name[locale] ?? c.subject) });
  return t('summary.comment_event', { title: escapeHtml(c.subject) });
}

/** The week's rating comments, newest first, with how many more there were. */
function commentLines(comments: WeeklySummary['comments'], ctx: RenderContext): string[] {
  const { t } = ctx;
  const header = `<b>${t('summary.section_comments')}</b>`;
  if (comments.total === 0) return [header, t('summary.none')];
  const lines = comments.latest.map((c) => {
    const chars = [...c.text];
    const text = chars.length > COMMENT_CHARS ? `${chars.slice(0, COMMENT_CHARS - 1).join('')}…` : c.text;
    const stars = c.score === null ? '' : '⭐'.repeat(c.score);
    return t('summary.comment_line', { stars, subject: commentSubject(c, ctx), comment: escapeHtml(text) });
  });
  const more = comments.total - comments.latest.length;
  return [header, ...lines, ...(more > 0 ? [t('summary.comments_more', { n: more })] : [])];
}

/** The chart's data and labels in the reader's language. */
export function chartInput(s: WeeklySummary, ctx: RenderContext): ChartInput {
  const { t } = ctx;
  const ids = [...new Set([...Object.keys(s.thisWeek.hazards.byCategory), ...Object.keys(s.lastWeek.hazards.byCategory)])];
  const { from, to } = weekRange(s.thisWeek.week);
  return {
    title: t('summary.chart_title', { community: communityName(ctx, s.communityId), from, to }),
    categories: ids
      .map((id) => ({
        label: ctx.communities.hazardCategory(id)?.name[ctx.locale] ?? id,
        thisWeek: s.thisWeek.hazards.byCategory[id] ?? 0,
        lastWeek: s.lastWeek.hazards.byCategory[id] ?? 0,
      }))
      .sort((a, b) => b.thisWeek - a.thisWeek || b.lastWeek - a.lastWeek),
    trend: s.trend.map((w) => ({
      label: w.week.key.slice(5),
      response: w.rates.response,
      resolution: w.rates.resolution,
      satisfaction: w.rates.satisfaction,
    })),
    labels: {
      byCategory: t('summary.chart_by_category'),
      thisWeek: t('summary.chart_this_week'),
      lastWeek: t('summary.chart_last_week'),
      trend: t('summary.chart_trend'),
      response: t('summary.rate_response'),
      resolution: t('summary.rate_resolution'),
      satisfaction: t('summary.rate_satisfaction'),
      nothing: t('summary.chart_nothing'),
      target: t('summary.chart_target'),
    },
  };
}

/** The ledger (台账) as CSV: one table, one row per report, request and hours entry of the week. */
export function renderLedger(communityId: string, data: LedgerData, ctx: RenderContext): Buffer {
  const { t, communities, locale } = ctx;
  const when = (at: number | null) => (at === null ? '' : isoMinute(wallClock(at, ctx.timeZone)).replace('T', ' '));
  const building = (id: string | null) => (id ? (communities.building(communityId, id)?.name[locale] ?? id) : '');
  const header = ['kind', 'id', 'date', 'category', 'building', 'status', 'person', 'hours', 'rating', 'done'].map((k) =>
    t(`summary.ledger_${k}`),
  );
  const rows: (string | number | null)[][] = [header];
  for (const r of data.reports) {
    rows.push([
      t('summary.ledger_report'),
      publicId(r.id),
      when(r.created_at),
      communities.hazardCategory(r.category)?.name[locale] ?? r.category,
      building(r.building_id),
      t(`summary.report_status.${r.status}`),
      r.owner,
      '',
      r.rating,
      when(r.fixed_at),
    ]);
  }
  for (const r of data.requests) {
    const status = r.taskStatus ? t(`summary.task_status.${r.taskStatus}`) : '';
    rows.push([
      t('summary.ledger_request'),
      `#${r.id}`,
      when(r.created_at),
      communities.helpType(r.type)?.name[locale] ?? r.type,
      building(r.building_id),
      status,
      r.volunteer,
      '',
      '',
      when(r.doneAt),
    ]);
  }
  for (const h of data.hours) {
    rows.push([
      t('summary.ledger_hours_entry'),
      h.taskId !== null ? `T-${h.taskId}` : '',
      when(h.at),
      '',
      '',
      '',
      h.volunteer,
      round1(h.minutes / 60),
      '',
      '',
    ]);
  }
  return toCsv(rows);
}

/** The monthly thank-you to a team's most active volunteers (those who agreed to be named). */
export function renderThanks(
  t: Translate,
  thanks: { team: string; month: string; totalMinutes: number; named: { name: string; minutes: number }[] },
): string {
  const names = thanks.named.map((v) => t('summary.thanks_line', { name: escapeHtml(v.name), hours: hoursText(v.minutes, t) })).join('\n');
  return t('summary.thanks', { team: escapeHtml(thanks.team), month: thanks.month, hours: hoursText(thanks.totalMinutes, t), names });
}

export function ledgerFilename(communityId: string, week: { key: string }): string {
  return `ledger-${communityId}-${week.key}.csv`;
}

export function chartFilename(communityId: string, week: { key: string }): string {
  return `summary-${communityId}-${week.key}.png`;
}
