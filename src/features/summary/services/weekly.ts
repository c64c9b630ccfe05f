import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { committeeGroup } from '../../../domain/chat-links';
import { lastCompleteWeek, type Week } from '../../../domain/summary';
import type { Executor } from '../../../store/db';
import { currentPeriod } from '../../../jobs/cron-period';
import { chartFilename, ledgerFilename, weekRange } from '../views/render';
import { buildSummary, renderContext, type BuiltSummary } from './build';
import { ledgerWorkbook, workbookFilename } from './workbook';

/**
 * Monday morning: last week's summary to every linked committee group, in the default language.
 * The text goes to the outbox, the chart and the ledger (CSV, and the same as an XLSX workbook
 * with a sheet per kind) to summary_files in the same transaction (services/files.ts uploads
 * them once the text is out). The CSV stays: it opens anywhere and the ledgers filed so far are CSV.
 */
export async function sendWeeklySummaries(deps: Pick<CoreDeps, 'db' | 'communities' | 'config' | 'i18n' | 'sender'>, now: number) {
  const { db, communities, config } = deps;
  // The week before the period's due time, so a run made up on Wednesday still reports
  // the week that ended before that Monday, not the one before the run.
  const due = currentPeriod(config.summaryCron, now, config.timezone)?.dueAt ?? now;
  const week = lastCompleteWeek(due, config.timezone);
  for (const community of communities.all) {
    const committee = await committeeGroup(db, community.id, config.defaultLocale);
    if (committee === undefined) continue;
    const { chatId, locale } = committee;
    const ref = `summary:${community.id}:${week.key}`;
    if (await db.selectFrom('outbox').select('id').where('ref', '=', ref).executeTakeFirst()) continue; // sent already (a run by hand)
    const built = await buildSummary(deps, community.id, week, locale, now);
    const range = { communityId: community.id, from: week.start, to: week.end };
    const workbook = await ledgerWorkbook(db, range, renderContext(deps, locale));
    await db
      .transaction()
      .execute((tx) => fileSummary(tx, now, { chatId, communityId: community.id, week, ref, built: { ...built, workbook } }));
  }
  deps.sender.poke();
}

/** The text into the outbox under `ref`, and its two files waiting for it. */
async function fileSummary(
  tx: Executor,
  now: number,
  to: { chatId: number; communityId: string; week: Week; ref: string; built: BuiltSummary & { workbook: Buffer } },
): Promise<void> {
  const { chatId, communityId, week, ref, built } = to;
  await enqueue(tx, now, { chatId, text: built.text, priority: PRIORITY.group, ref });
  const waiting = { chat_id: chatId, after_ref: ref, error: null, created_at: now, sent_at: null };
  await tx
    .insertInto('summary_files')
    .values([
      { ...waiting, kind: 'photo', filename: chartFilename(communityId, week), caption: built.chartCaption, bytes: built.chart },
      { ...waiting, kind: 'document', filename: ledgerFilename(communityId, week), caption: built.ledgerCaption, bytes: built.ledger },
      {
        ...waiting,
        kind: 'document',
        filename: workbookFilename(communityId, week.key, weekRange(week).to),
        caption: built.ledgerCaption,
        bytes: built.workbook,
      },
    ])
    .execute();
}
