import { callbackCodec } from '../bot/callback';
import type { I18n, Locale } from '../i18n';
import { isLocale } from '../i18n';
import type { Db, Executor } from '../store/db';
import type { Audience, Topic } from '../store/schema/delivery';
import type { Recipient } from '../domain/notices';
import { deliveredMessage, enqueue, enqueueCall, PRIORITY, type InlineKeyboard } from './outbox';
import type { ApiCall, Watcher } from './sender';

/**
 * A broadcast is one notice or invitation to many people: a row in broadcasts plus one outbox
 * row per recipient. The staff member who sent it gets a progress message that the watcher
 * below edits every few seconds while the sender works, and that ends with the totals.
 */

/** The Stop button under a progress message. */
export const broadcastButton = callbackCodec('bc', { action: 'str', id: 'str' });

export interface NewBroadcast {
  communityId: string;
  kind: 'notice' | 'event';
  eventId?: number;
  createdBy: number;
  audience: Audience;
  topic: Topic;
  urgent: boolean;
  /** The notice as staff wrote it (escaped HTML), for the records and the progress title. */
  text: string;
  photo?: string;
  recipients: Recipient[];
  /** The message as each recipient sees it, in their language. */
  render(locale: Locale): { text: string; keyboard?: InlineKeyboard };
}

const progressRef = (id: number) => `bc:${id}:progress`;

/** Writes the broadcast, its messages and its progress message in one transaction; returns its id. */
export async function startBroadcast(tx: Executor, now: number, i18n: I18n, b: NewBroadcast): Promise<number> {
  const row = await tx
    .insertInto('broadcasts')
    .values({
      community_id: b.communityId,
      kind: b.kind,
      event_id: b.eventId ?? null,
      created_by: b.createdBy,
      audience: JSON.stringify(b.audience),
      topic: b.topic,
      urgent: b.urgent ? 1 : 0,
      text: b.text,
      photo: b.photo ?? null,
      total: b.recipients.length,
      status: 'sending',
      progress_text: null,
      created_at: now,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  const rendered = new Map<string, ReturnType<NewBroadcast['render']>>();
  const renderFor = (locale: string) => {
    const l: Locale = isLocale(locale) ? locale : i18n.defaultLocale;
    if (!rendered.has(l)) rendered.set(l, b.render(l));
    return rendered.get(l)!;
  };
  await enqueue(
    tx,
    now,
    ...b.recipients.map((r) => ({ chatId: r.id, ...renderFor(r.locale), photo: b.photo, priority: PRIORITY.bulk, broadcastId: id })),
  );
  const locale = await localeOf(tx, b.createdBy, i18n);
  const totals = { sent: 0, unreachable: 0, failed: 0, cancelled: 0, pending: b.recipients.length };
  await enqueue(tx, now, {
    chatId: b.createdBy,
    text: progressText(i18n, locale, { id, text: b.text, total: b.recipients.length }, totals, 0),
    keyboard: stopKeyboard(i18n, locale, id),
    priority: PRIORITY.personal,
    ref: progressRef(id),
  });
  return id;
}

export type StopResult = 'stopped' | 'finished' | 'unknown';

/** Stop: the rows not yet taken by a sender are cancelled; the few in flight still arrive. */
export async function stopBroadcast(db: Db, now: number, id: number): Promise<StopResult> {
  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('broadcasts')
      .set({ status: 'cancelled' })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      const exists = await tx.selectFrom('broadcasts').select('id').where('id', '=', id).executeTakeFirst();
      return exists ? 'finished' : 'unknown';
    }
    await tx
      .updateTable('outbox')
      .set({ status: 'cancelled' })
      .where('broadcast_id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .execute();
    return 'stopped';
  });
}

export interface Totals {
  sent: number;
  unreachable: number;
  failed: number;
  cancelled: number;
  pending: number;
}

export async function broadcastTotals(db: Executor, id: number): Promise<Totals> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('broadcast_id', '=', id)
    .groupBy('status')
    .execute();
  const totals: Totals = { sent: 0, unreachable: 0, failed: 0, cancelled: 0, pending: 0 };
  for (const r of rows) totals[r.status as keyof Totals] = Number(r.n);
  return totals;
}

/**
 * Keeps every unfinished broadcast's progress message up to date (the sender runs it every
 * couple of seconds) and, once nothing is pending, writes the totals as the last edit through
 * the outbox, so they arrive even after a restart.
 */
export function progressWatcher(db: Db, i18n: I18n, api: ApiCall, rate: () => number): Watcher {
  return async (now) => {
    const open = await db.selectFrom('broadcasts').selectAll().where('finished_at', 'is', null).execute();
    for (const b of open) {
      const totals = await broadcastTotals(db, b.id);
      const locale = await localeOf(db, b.created_by, i18n);
      const message = await deliveredMessage(db, progressRef(b.id));
      if (totals.pending === 0) {
        await finish(db, now, i18n, locale, b, totals, message);
        continue;
      }
      if (!message) continue; // the progress message itself is still on its way
      const text = progressText(
        i18n,
        locale,
        { id: b.id, text: b.text, total: b.total },
        totals,
        Math.ceil(totals.pending / Math.max(1, rate())),
      );
      // Whoever changes the stored text edits the message: Telegram refuses an edit that changes nothing.
      const changed = await db
        .updateTable('broadcasts')
        .set({ progress_text: text })
        .where('id', '=', b.id)
        .where('finished_at', 'is', null)
        .where((eb) => eb.or([eb('progress_text', 'is', null), eb('progress_text', '<>', text)]))
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) continue;
      await api('editMessageText', {
        chat_id: message.chatId,
        message_id: message.messageId,
        text,
        parse_mode: 'HTML',
        reply_markup: b.status === 'sending' ? { inline_keyboard: stopKeyboard(i18n, locale, b.id) } : undefined,
      }).catch(() => undefined); // best effort: the final totals go through the outbox
    }
  };
}

async function finish(
  db: Db,
  now: number,
  i18n: I18n,
  locale: Locale,
  b: { id: number; text: string; total: number; status: string; created_by: number },
  totals: Totals,
  message: { chatId: number; messageId: number } | undefined,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('broadcasts')
      .set({ finished_at: now, status: b.status === 'cancelled' ? 'cancelled' : 'done' })
      .where('id', '=', b.id)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return; // another process finished it
    const key = b.status === 'cancelled' ? 'notices.progress_stopped' : 'notices.progress_done';
    const text = i18n.t(locale, key, { title: titleOf(b.text), total: b.total, ...totals });
    if (message)
      await enqueueCall(tx, now, {
        chatId: message.chatId,
        method: 'editMessageText',
        payload: { message_id: message.messageId, text, parse_mode: 'HTML' },
        ref: `bc:${b.id}:done`,
      });
    else await enqueue(tx, now, { chatId: b.created_by, text, ref: `bc:${b.id}:done` });
  });
}

function progressText(
  i18n: I18n,
  locale: Locale,
  b: { id: number; text: string; total: number },
  totals: Totals,
  secondsLeft: number,
): string {
  const left = `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}`;
  return i18n.t(locale, 'notices.progress', { title: titleOf(b.text), total: b.total, left, ...totals });
}

function stopKeyboard(i18n: I18n, locale: Locale, id: number): InlineKeyboard {
  return [[{ text: i18n.t(locale, 'notices.stop_button'), callback_data: broadcastButton.pack({ action: 'stop', id }) }]];
}

/** The first words of the notice (already escaped HTML), cut at a safe place. */
function titleOf(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...plain];
  if (chars.length <= 24) return plain;
  // Do not cut an entity such as &amp; in half.
  return (
    chars
      .slice(0, 24)
      .join('')
      .replace(/&[a-z]*$/, '') + '…'
  );
}

async function localeOf(db: Executor, userId: number, i18n: I18n): Promise<Locale> {
  const u = await db.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst();
  return isLocale(u?.locale) ? u.locale : i18n.defaultLocale;
}
