import { publicId } from '../../../domain/hazards';
import { STATUSES } from '../../../domain/hazard-status';
import type { Community } from '../../../community/config';
import type { ListedReport, ReportDetail, ReportFilter } from '../services/data';
import { categoryName, esc, formatTime, href, table, type PageContext } from './html';
import { planLegend, renderPlan } from './plan';
import { routeStepText } from '../../hazards/views/route-steps';
import { buildingOf, placeText } from '../../hazards/views/card';

/** The open reports on the plan, the filterable list, and one report with its photos and history. */

function statusBadges(pc: PageContext, r: ListedReport): string {
  return [
    `<span class="badge">${esc(pc.t(`hazards.status_${r.status}`))}</span>`,
    r.emergency ? `<span class="badge emergency">${esc(pc.t('dashboard.emergency'))}</span>` : '',
    r.overdue ? `<span class="badge overdue">${esc(pc.t(`dashboard.overdue_${r.overdue}`))}</span>` : '',
  ].join(' ');
}

/** Where the report is, as the bot's card says it (HTML): a named spot, else the building, and the resident's words for the place. */
const where = (pc: PageContext, r: ListedReport): string => placeText(pc, r, pc.t, pc.locale);

export function mapBody(pc: PageContext, community: Community, reports: ListedReport[]): string {
  const list = reports
    .slice(0, 12)
    .map(
      (r) =>
        `<li><a href="${esc(href(pc, `report/${r.id}`))}">${publicId(r.id)}</a> ${esc(categoryName(pc, r.category))} ${statusBadges(pc, r)}</li>`,
    )
    .join('');
  return `<div class="split"><div class="card">${renderPlan(pc, community, reports)}${planLegend(pc)}</div>
<div class="card"><b>${esc(pc.t('dashboard.open_count', { count: reports.length }))}</b>${list ? `<ul>${list}</ul>` : ''}<p><a href="${esc(href(pc, 'reports'))}">${esc(pc.t('dashboard.to_list'))}</a></p></div></div>`;
}

function select(name: string, label: string, options: [string, string][], value: string): string {
  return `<label>${esc(label)}<select name="${name}">${options
    .map(([v, text]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(text)}</option>`)
    .join('')}</select></label>`;
}

function filterForm(pc: PageContext, community: Community, f: ReportFilter): string {
  const statuses: [string, string][] = [
    ['open', pc.t('dashboard.filter_open')],
    ['all', pc.t('dashboard.filter_all')],
    ...STATUSES.map((s): [string, string] => [s, pc.t(`hazards.status_${s}`)]),
  ];
  const categories: [string, string][] = [
    ['', pc.t('dashboard.filter_any')],
    ...pc.communities.config.hazardCategories.map((c): [string, string] => [c.id, c.name[pc.locale]]),
  ];
  const buildings: [string, string][] = [
    ['', pc.t('dashboard.filter_any')],
    ...community.buildings.map((b): [string, string] => [b.id, b.name[pc.locale]]),
  ];
  return `<form class="filters card" method="get" action="/dashboard/reports">
<input type="hidden" name="s" value="${esc(pc.token)}"><input type="hidden" name="c" value="${esc(pc.communityId)}"><input type="hidden" name="lang" value="${pc.locale}">
${select('status', pc.t('dashboard.filter_status'), statuses, f.status)}
${select('category', pc.t('dashboard.filter_category'), categories, f.category ?? '')}
${select('building', pc.t('dashboard.filter_building'), buildings, f.building ?? '')}
${select(
  'overdue',
  pc.t('dashboard.filter_overdue'),
  [
    ['', pc.t('dashboard.filter_any')],
    ['1', pc.t('dashboard.filter_overdue_only')],
  ],
  f.overdue ? '1' : '',
)}
<button type="submit">${esc(pc.t('dashboard.filter_apply'))}</button></form>`;
}

export function listBody(pc: PageContext, community: Community, f: ReportFilter, reports: ListedReport[]): string {
  const rows = reports.map((r) => [
    `<a href="${esc(href(pc, `report/${r.id}`))}" class="report-link">${publicId(r.id)}</a>`,
    esc(categoryName(pc, r.category)),
    statusBadges(pc, r),
    where(pc, r),
    `<span class="muted">${esc(formatTime(pc, r.created_at))}</span>`,
  ]);
  const head = ['dashboard.col_id', 'dashboard.col_category', 'dashboard.col_status', 'dashboard.col_where', 'dashboard.col_filed'].map(
    (k) => esc(pc.t(k)),
  );
  const result = rows.length ? table(head, rows, 'reports') : `<p class="empty">${esc(pc.t('dashboard.none_match'))}</p>`;
  return `${filterForm(pc, community, f)}<p class="muted" id="count">${esc(pc.t('dashboard.shown_count', { count: reports.length }))}</p>${result}`;
}

function historyLine(pc: PageContext, h: ReportDetail['history'][number]): string {
  const key = `dashboard.act_${h.action}`;
  const what = pc.t(key) === key ? h.action : pc.t(key);
  const status = h.to_status ? ` → ${esc(pc.t(`hazards.status_${h.to_status}`))}` : '';
  // A routing or escalation step keeps a code in its note: said in the reader's language.
  const said = h.action === 'route' ? (routeStepText(h.note, pc.t) ?? h.note) : h.note;
  const note = said ? `<br><span class="muted">${esc(said)}</span>` : '';
  return `<li><span class="muted">${esc(formatTime(pc, h.at))}</span> <b>${esc(what)}</b>${status}${h.actor ? ` · ${esc(h.actor)}` : ''}${note}</li>`;
}

/** A located report's coordinates, unless its place (placeText) already gives them: it does when no known building is the report's. */
function coordinatesApart(pc: PageContext, r: ReportDetail['report']): string {
  if (r.latitude === null || r.longitude === null) return '';
  return buildingOf(pc, r) ? `${r.latitude.toFixed(5)}, ${r.longitude.toFixed(5)}` : '';
}

export function detailBody(pc: PageContext, d: ReportDetail): string {
  const r = d.report;
  const fact = (key: string, value: string) => (value ? `<dt>${esc(pc.t(key))}</dt><dd>${value}</dd>` : '');
  const description = r.description
    ? esc(r.description)
    : r.voice_file_id
      ? esc(pc.t('dashboard.voice_only', { seconds: r.voice_seconds ?? 0 }))
      : '';
  const facts = [
    fact('dashboard.col_category', esc(categoryName(pc, r.category))),
    fact('dashboard.col_status', statusBadges(pc, r)),
    fact('dashboard.col_where', where(pc, r)),
    fact('dashboard.col_location', coordinatesApart(pc, r)),
    fact('dashboard.col_filed', esc(formatTime(pc, r.created_at))),
    fact('dashboard.col_reporter', esc(d.reporter ?? '')),
    fact('dashboard.col_supporters', d.supporters ? String(d.supporters) : ''),
    fact('dashboard.col_handed', r.handed_to ? esc(`${pc.t(`hazards.handed_${r.handed_to}`)} ${r.handed_ref ?? ''}`) : ''),
    fact('dashboard.col_fix_note', esc(r.fix_note ?? '')),
    fact('dashboard.col_rating', r.rating ? `${'★'.repeat(r.rating)}${r.rating_comment ? ` ${esc(r.rating_comment)}` : ''}` : ''),
  ].join('');
  const photos = d.photos.length
    ? `<div class="photos">${d.photos
        .map(
          (p) =>
            `<figure><img src="${esc(href(pc, `photo/${p.id}`))}" alt="${esc(pc.t(`dashboard.photo_${p.kind}`))}" loading="lazy"><figcaption>${esc(pc.t(`dashboard.photo_${p.kind}`))} · ${esc(formatTime(pc, p.added_at))}</figcaption></figure>`,
        )
        .join('')}</div>`
    : `<p class="empty">${esc(pc.t('dashboard.no_photos'))}</p>`;
  return `<p><a href="${esc(href(pc, 'reports'))}">← ${esc(pc.t('dashboard.back_to_list'))}</a></p>
<div class="card"><p class="description">${description}</p><dl class="facts">${facts}</dl></div>
<div class="card"><h3>${esc(pc.t('dashboard.photos'))}</h3>${photos}</div>
<div class="card"><h3>${esc(pc.t('dashboard.history'))}</h3><ol class="history">${d.history.map((h) => historyLine(pc, h)).join('')}</ol></div>`;
}
