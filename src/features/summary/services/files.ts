import type { CoreDeps } from '../../../deps';
import { deliveredMessage } from '../../../delivery/outbox';
import { ApiError } from '../../../delivery/sender';
import type { SummaryFilesTable } from '../../../store/schema/jobs';
import type { Selectable } from 'kysely';

/**
 * Files: the outbox carries JSON payloads, and a chart or ledger is bytes that must be
 * uploaded as multipart. Rather than teach the shared sender about blobs, the weekly job writes
 * the text to the outbox and the files to summary_files (same transaction), and this small
 * sender uploads them once the text has been delivered, as replies to it (so they arrive after
 * it and stay attached to it). Two files a week per community do not need the outbox's rate
 * limiting; a claim (pending → sending) keeps two processes from both uploading one.
 */

const FILE_ATTEMPTS = 5;

type FileDeps = Pick<CoreDeps, 'db' | 'api' | 'log'>;
type SummaryFile = Selectable<SummaryFilesTable>;

/** Uploads the summary files whose text has gone out. */
export async function uploadSummaryFiles(deps: FileDeps, now: number): Promise<void> {
  const { db } = deps;
  const pending = await db.selectFrom('summary_files').selectAll().where('status', '=', 'pending').orderBy('id').limit(20).execute();
  for (const file of pending) {
    const after = await textBefore(deps, file);
    if (after === 'wait') continue; // the text goes first
    const claimed = await db
      .updateTable('summary_files')
      .set({ status: 'sending' })
      .where('id', '=', file.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    await upload(deps, now, file, after);
  }
}

/** The message id of the text this file answers, undefined to send it on its own, or 'wait' while the text is still queued. */
async function textBefore(deps: FileDeps, file: SummaryFile): Promise<number | undefined | 'wait'> {
  if (!file.after_ref) return undefined;
  const text = await deliveredMessage(deps.db, file.after_ref);
  if (text) return text.messageId;
  const stillPending = await deps.db
    .selectFrom('outbox')
    .select('id')
    .where('ref', '=', file.after_ref)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return stillPending ? 'wait' : undefined;
}

async function upload(deps: FileDeps, now: number, file: SummaryFile, replyTo: number | undefined): Promise<void> {
  const { db } = deps;
  try {
    await deps.api(file.kind === 'photo' ? 'sendPhoto' : 'sendDocument', {
      chat_id: file.chat_id,
      // What telegraf's Input.fromBuffer makes, built here so that the job needs no telegraf.
      [file.kind]: { source: Buffer.from(file.bytes ?? []), filename: file.filename },
      caption: file.caption,
      parse_mode: 'HTML',
      // As a JSON string: telegraf 4.16's multipart encoder drops object fields it does not know.
      ...(replyTo ? { reply_parameters: JSON.stringify({ message_id: replyTo, allow_sending_without_reply: true }) } : {}),
    });
    await db
      .updateTable('summary_files')
      .set({ status: 'sent', sent_at: now, bytes: null, attempts: file.attempts + 1, error: null })
      .where('id', '=', file.id)
      .execute();
  } catch (err) {
    const refused = err instanceof ApiError && err.code >= 400 && err.code < 500 && err.code !== 429;
    const failed = refused || file.attempts + 1 >= FILE_ATTEMPTS;
    deps.log.warn({ err, fileId: file.id }, 'uploading a summary file failed');
    await db
      .updateTable('summary_files')
      .set({
        status: failed ? 'failed' : 'pending',
        attempts: file.attempts + 1,
        error: (err as Error).message?.slice(0, 500) ?? String(err),
      })
      .where('id', '=', file.id)
      .execute();
  }
}
