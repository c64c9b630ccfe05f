import type { Trends } from '../services/data';
import { categoryName, esc, formatDay, type PageContext } from './html';

/** The trends as SVG drawn on the server: the three rates against the 90% target, and new reports by category. */

const W = 600;
const H = 300;
// A phone shows the chart at about 0.57 of its size, and the page's style draws its text at 21
// instead of 15 there (about 12 px on screen): the margins have room for "100%" and the weeks at that size.
const M = { left: 64, right: 14, top: 18, bottom: 42 };
export const TARGET = 90;
const RATE_COLOURS = { response: '#2f7dd1', resolution: '#3f9142', satisfaction: '#d98a00' } as const;
const PALETTE = ['#2f7dd1', '#3f9142', '#d98a00', '#b04fb3', '#d64545', '#1c9aa0', '#7a6a3a', '#5b6ee1', '#8a9bab', '#c2185b', '#6d8b00'];

const x = (i: number, n: number) => M.left + ((i + 0.5) * (W - M.left - M.right)) / n;
const y = (v: number, max: number) => M.top + (1 - v / max) * (H - M.top - M.bottom);

function axes(pc: PageContext, t: Trends, max: number, ticks: number[], unit: string): string {
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v, max)}" y2="${y(v, max)}" stroke="#e4e9ee"/><text x="${M.left - 6}" y="${y(v, max) + 4}" text-anchor="end" font-size="15" fill="#7b8794">${v}${unit}</text>`,
    )
    .join('');
  const labels = t.weeks
    .map(
      (w, i) =>
        `<text x="${x(i, t.weeks.length)}" y="${H - M.bottom + 24}" text-anchor="middle" font-size="15" fill="#52606d">${esc(formatDay(pc, w.week.start))}</text>`,
    )
    .join('');
  return `<rect width="${W}" height="${H}" fill="#fff"/>${grid}${labels}`;
}

export function ratesChart(pc: PageContext, t: Trends): string {
  const n = t.weeks.length;
  const lines = (Object.keys(RATE_COLOURS) as (keyof typeof RATE_COLOURS)[])
    .map((k) => {
      const points = t.weeks.flatMap((w, i) => (w.rates[k] === null ? [] : [[x(i, n), y(w.rates[k]!, 100)] as const]));
      const path = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
      const dots = points
        .map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="4" fill="${RATE_COLOURS[k]}"/>`)
        .join('');
      return `<polyline points="${path}" fill="none" stroke="${RATE_COLOURS[k]}" stroke-width="2.5"/>${dots}`;
    })
    .join('');
  const target = `<line x1="${M.left}" x2="${W - M.right}" y1="${y(TARGET, 100)}" y2="${y(TARGET, 100)}" stroke="#d64545" stroke-dasharray="6 4"/><text x="${W - M.right}" y="${y(TARGET, 100) - 5}" text-anchor="end" font-size="15" fill="#d64545">${esc(pc.t('dashboard.target', { target: TARGET }))}</text>`;
  const legend = (Object.keys(RATE_COLOURS) as (keyof typeof RATE_COLOURS)[])
    .map((k) => `<span><i style="background:${RATE_COLOURS[k]}"></i>${esc(pc.t(`dashboard.rate_${k}`))}</span>`)
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(pc.t('dashboard.rates_title'))}" class="chart rates">${axes(pc, t, 100, [0, 25, 50, 75, 100], '%')}${target}${lines}</svg><div class="legend">${legend}</div>`;
}

export function categoryChart(pc: PageContext, t: Trends): string {
  const n = t.weeks.length;
  const categories = [...new Set(t.byCategory.flatMap((c) => Object.keys(c)))].sort();
  const totals = t.byCategory.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
  const max = Math.max(4, ...totals);
  const step = Math.max(1, Math.ceil(max / 4));
  const top = step * 4;
  const barW = Math.min(44, ((W - M.left - M.right) / n) * 0.6);
  const bars = t.byCategory
    .map((counts, i) => {
      let acc = 0;
      return categories
        .filter((c) => counts[c])
        .map((c) => {
          const y0 = y(acc, top);
          acc += counts[c];
          const y1 = y(acc, top);
          const colour = PALETTE[categories.indexOf(c) % PALETTE.length];
          return `<rect x="${(x(i, n) - barW / 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${colour}"><title>${esc(categoryName(pc, c))}: ${counts[c]}</title></rect>`;
        })
        .join('');
    })
    .join('');
  const legend = categories
    .map((c, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(categoryName(pc, c))}</span>`)
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(pc.t('dashboard.categories_title'))}" class="chart categories">${axes(pc, t, top, [0, step, 2 * step, 3 * step, top], '')}${bars}</svg><div class="legend">${legend || esc(pc.t('dashboard.no_reports_yet'))}</div>`;
}
