import { ledgerRows } from '../../../domain/summary';
import type { Executor } from '../../../store/db';
import type { RenderContext } from '../views/render';
import { ledgerSheets, renderWorkbook } from '../views/workbook';

/** Which community's ledger, over [from, to) in epoch ms. */
export interface LedgerRange {
  communityId: string;
  from: number;
  to: number;
}

/**
 * The ledger (台账) of any period as an XLSX workbook, a sheet per kind: sent with the weekly
 * summary, by /ledger for a date range, and there for the dashboard to offer.
 */
export async function ledgerWorkbook(db: Executor, range: LedgerRange, rc: RenderContext): Promise<Buffer> {
  const data = await ledgerRows(db, range.communityId, { start: range.from, end: range.to });
  const community = rc.communities.community(range.communityId)?.name[rc.locale] ?? range.communityId;
  return renderWorkbook(ledgerSheets(range.communityId, data, rc), rc.t('ledger.title', { community }));
}

export function workbookFilename(communityId: string, from: string, to: string): string {
  return from === to ? `ledger-${communityId}-${from}.xlsx` : `ledger-${communityId}-${from}-${to}.xlsx`;
}
