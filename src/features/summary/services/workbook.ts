import { ledgerRows } from '../../../domain/summary';
import type { Executor } from '../../../store/db';
import type { RenderContext } from '../views/render';
import { ledgerSheets, renderWorkbook } from '../views/workbook';
import { DAY } from '../../../clock';
import { addDays, isoDate, zonedEpoch } from '../../../zoned-time';

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

/** A period of a ledger: at most a year, so one workbook stays a reasonable size. */
export const LEDGER_MAX_DAYS = 366;

/** "2026-11-01" as a real calendar day, or undefined. */
function calendarDay(text: string | undefined): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isoDate(addDays(d, 0)) === m[0] ? d : undefined;
}

/** The days "from" to "to" (both included, local time) as typed in /ledger or picked in the dashboard. */
export function ledgerDays(
  fromText: string | undefined,
  toText: string | undefined,
  timeZone: string,
): { from: number; to: number; fromDay: string; toDay: string } | 'usage' | 'too_long' {
  const from = calendarDay(fromText);
  const to = calendarDay(toText);
  if (!from || !to || isoDate(from) > isoDate(to)) return 'usage';
  const range = { from: zonedEpoch(from, timeZone), to: zonedEpoch(addDays(to, 1), timeZone) };
  if (range.to - range.from > LEDGER_MAX_DAYS * DAY) return 'too_long';
  return { ...range, fromDay: isoDate(from), toDay: isoDate(to) };
}

export function workbookFilename(communityId: string, from: string, to: string): string {
  return from === to ? `ledger-${communityId}-${from}.xlsx` : `ledger-${communityId}-${from}-${to}.xlsx`;
}
