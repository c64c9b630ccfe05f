import type { EventRow, Trends, VolunteerRow } from '../services/data';
import type { StreetView } from '../services/street';
import { categoryChart, ratesChart } from './charts';
import { BASE, communityName, esc, formatDay, formatTime, hours, rate, table, type PageContext } from './html';
import { list } from '../../../phrases';

/** Trends, volunteers, events and the street office's ranking. */

export function trendsBody(pc: PageContext, t: Trends): string {
  const head = ['dashboard.col_week', 'dashboard.rate_response', 'dashboard.rate_resolution', 'dashboard.rate_satisfaction'].map((k) =>
    esc(pc.t(k)),
  );
  const rows = [...t.weeks]
    .reverse()
    .map((w) => [esc(formatDay(pc, w.week.start)), rate(w.rates.response), rate(w.rates.resolution), rate(w.rates.satisfaction)]);
  return `<div class="card"><h3>${esc(pc.t('dashboard.rates_title'))}</h3>${ratesChart(pc, t)}</div>
<div class="card"><h3>${esc(pc.t('dashboard.categories_title'))}</h3>${categoryChart(pc, t)}</div>
<div class="card">${table(head, rows, 'rates', false)}</div>
${ledgerForm(pc)}`;
}

/** The ledger (台账) of any days as an XLSX workbook, the same one /ledger sends in chat. */
function ledgerForm(pc: PageContext): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${esc(value)}">`;
  return `<div class="card"><h3>${esc(pc.t('dashboard.ledger_title'))}</h3>
<form class="ledger" method="get" action="${BASE}/ledger.xlsx">${hidden('s', pc.token)}${hidden('c', pc.communityId)}${hidden('lang', pc.locale)}
<label>${esc(pc.t('dashboard.ledger_from'))} <input type="date" name="from" required></label>
<label>${esc(pc.t('dashboard.ledger_to'))} <input type="date" name="to" required></label>
<button type="submit">${esc(pc.t('dashboard.ledger_download'))}</button></form></div>`;
}

const teamName = (pc: PageContext, id: string) =>
  pc.communities.community(pc.communityId)?.teams.find((t) => t.id === id)?.name[pc.locale] ?? id;

export function volunteersBody(pc: PageContext, rows: VolunteerRow[]): string {
  if (rows.length === 0) return `<p class="empty">${esc(pc.t('dashboard.no_volunteers'))}</p>`;
  const head = ['dashboard.col_name', 'dashboard.col_teams', 'dashboard.col_hours_28', 'dashboard.col_hours_total'].map((k) =>
    esc(pc.t(k)),
  );
  const total = rows.reduce((a, r) => a + r.totalMinutes, 0);
  const body = rows.map((r) => [
    esc(r.name ?? '—') + (r.lead ? ` <span class="badge">${esc(pc.t('dashboard.lead'))}</span>` : ''),
    esc(
      list(
        pc.t,
        r.teams.map((t) => teamName(pc, t)),
      ),
    ),
    hours(r.recentMinutes),
    hours(r.totalMinutes),
  ]);
  return `<p class="muted">${esc(pc.t('dashboard.volunteers_total', { count: rows.length, hours: hours(total) }))}</p>${table(head, body, 'volunteers')}`;
}

export function eventsBody(pc: PageContext, rows: EventRow[]): string {
  if (rows.length === 0) return `<p class="empty">${esc(pc.t('dashboard.no_events'))}</p>`;
  const head = ['dashboard.col_event', 'dashboard.col_when', 'dashboard.col_going', 'dashboard.col_attended', 'dashboard.col_rating'].map(
    (k) => esc(pc.t(k)),
  );
  const body = rows.map((e) => [
    `<b>${esc(e.title)}</b><br><span class="muted">${esc(e.place)}</span>${e.status === 'cancelled' ? ` <span class="badge overdue">${esc(pc.t('dashboard.cancelled'))}</span>` : ''}`,
    esc(formatTime(pc, e.startsAt)),
    `${e.going}${e.capacity !== null ? ` / ${e.capacity}` : ''}${e.waiting ? ` <span class="muted">(+${e.waiting})</span>` : ''}`,
    e.attended === null ? '—' : String(e.attended),
    e.averageRating === null ? '—' : `${e.averageRating} ★`,
  ]);
  return table(head, body, 'events');
}

export function streetBody(pc: PageContext, v: StreetView): string {
  const head = [
    'dashboard.col_rank',
    'dashboard.col_community',
    'dashboard.rate_response',
    'dashboard.rate_resolution',
    'dashboard.rate_satisfaction',
    'dashboard.col_open',
    'dashboard.col_overdue',
    'dashboard.col_hours_week',
    'dashboard.col_events_week',
  ].map((k) => esc(pc.t(k)));
  const rows = v.standings.map((s) => [
    `<span class="rank">${s.rank}</span>`,
    `<b>${esc(communityName(pc, s.communityId))}</b>`,
    rate(s.rates.response),
    rate(s.rates.resolution),
    rate(s.rates.satisfaction),
    String(s.open),
    s.overdue ? `<span class="badge overdue">${s.overdue}</span>` : '0',
    hours(s.volunteerMinutes),
    `${s.eventsHeld}${s.attendance ? ` <span class="muted">(${s.attendance})</span>` : ''}`,
  ]);
  const week = `${formatDay(pc, v.week.start)} – ${formatDay(pc, v.week.end - 1)}`;
  return `<p class="muted">${esc(pc.t('dashboard.street_week', { week }))}</p>${table(head, rows, 'street')}<p class="muted">${esc(pc.t('dashboard.street_ranking_rule'))}</p>`;
}
