import type { CoreDeps } from '../../../deps';
import { gridFigures } from '../../../domain/grid-summary';
import { ledgerRows, weeklySummary, type Week } from '../../../domain/summary';
import { escapeHtml, type Locale } from '../../../i18n';
import { renderChart } from '../views/chart';
import { renderGridSection } from '../views/grid';
import { chartInput, communityName, renderLedger, renderSummaryText, weekRange, type RenderContext } from '../views/render';

/** One community's summary of one week, in one language: the message, the chart and the ledger with their captions. */
export interface BuiltSummary {
  text: string;
  chart: Buffer;
  chartCaption: string;
  ledger: Buffer;
  ledgerCaption: string;
}

export type SummaryDeps = Pick<CoreDeps, 'db' | 'communities' | 'config' | 'i18n'>;

export function renderContext(deps: SummaryDeps, locale: Locale): RenderContext {
  return { t: deps.i18n.translator(locale), locale, communities: deps.communities, timeZone: deps.config.timezone };
}

/** `now`: when it is built; the current week's deadlines are judged then (domain/summary.ts weeklySummary). */
export async function buildSummary(deps: SummaryDeps, communityId: string, week: Week, locale: Locale, now: number): Promise<BuiltSummary> {
  const rc = renderContext(deps, locale);
  const summary = await weeklySummary(deps.db, deps.communities, communityId, week, rc.timeZone, now);
  const { from, to } = weekRange(week);
  const community = escapeHtml(communityName(rc, communityId));
  return {
    text: [renderSummaryText(summary, rc), renderGridSection(await gridFigures(deps.db, deps.communities, communityId, week, now), rc)]
      .filter(Boolean)
      .join('\n\n'),
    chart: renderChart(chartInput(summary, rc)),
    chartCaption: rc.t('summary.chart_caption', { community, from, to }),
    ledger: renderLedger(communityId, await ledgerRows(deps.db, communityId, week), rc),
    ledgerCaption: rc.t('summary.ledger_caption', { community, from, to }),
  };
}
