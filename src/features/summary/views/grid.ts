import type { GridFigures } from '../../../domain/grid-summary';
import { escapeHtml } from '../../../i18n';
import { duration, type RenderContext } from './render';

/** The summary's section on who handles what: per grid, per partner unit, hand-ups. Empty when there is none of them. */
export function renderGridSection(f: GridFigures, ctx: RenderContext): string {
  const { t } = ctx;
  const h = f.handUps;
  if (f.grids.length === 0 && f.units.length === 0 && h.made + h.settled + h.open === 0) return '';
  const lines = [`<b>${t('grid.sum_section')}</b>`];
  for (const g of f.grids)
    lines.push(t('grid.sum_grid', { name: escapeHtml(g.name), reports: g.reports, ack: g.ackInTime, fixed: g.fixInTime }));
  for (const u of f.units)
    lines.push(t('grid.sum_unit', { name: escapeHtml(u.name), reports: u.reports, fixed: u.fixed, median: duration(u.medianFixMs, t) }));
  lines.push(t('grid.sum_handups', { made: h.made, settled: h.settled, inTime: h.settledInTime, open: h.open }));
  return lines.join('\n');
}
