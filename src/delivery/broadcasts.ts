import { isLocale, type Locale } from '../i18n';
import { fromUpdate } from '../domain/redelivery';
import type { Db, Executor } from '../store/db';
import type { Audience, Topic } from '../store/schema/delivery';
import { enqueue, PRIORITY, type InlineKeyboard } from './outbox';

/**
 * A broadcast is one message to many people: a row in broadcasts plus one outbox row per
 * recipient, sent at bulk priority. What the sender of a broadcast is shown while it goes out
 * (a progress message, a Stop button) belongs to the feature that sends it
 * (src/features/notices/services/broadcasts.ts); here is only the bookkeeping.
 */

export interface BroadcastRecipient {
  id: number;
  /** As stored; an unknown one gets the default locale. */
  locale: string;
}

export interface NewBroadcast {
  communityId: string;
  kind: 'notice' | 'event' | 'poll';
  eventId?: number;
  createdBy: number;
  audience: Audience;
  topic: Topic;
  urgent: boolean;
  /** The message as staff wrote it (escaped HTML), for the records. */
  text: string;
  photo?: string;
  recipients: BroadcastRecipient[];
  defaultLocale: Locale;
  /** The Telegram update whose handling started it: handled again after a crash, that update finds it (broadcastOfUpdate). */
  updateId?: number;
  /** The message as each recipient sees it, in their language. */
  render(locale: Locale): { text: string; keyboard?: InlineKeyboard };
}

/**
 * The broadcast that this update started already, when it is handled again after a crash cut it
 * short (src/bot/middleware/update-claims.ts): a notice, poll or event is sent once per update.
 */
export async function broadcastOfUpdate(
  db: Executor,
  now: number,
  b: { updateId: number | undefined; createdBy: number },
): Promise<number | undefined> {
  if (b.updateId === undefined) return undefined;
  const row = await db
    .selectFrom('broadcasts')
    .select('id')
    .where(fromUpdate(b.updateId, now))
    .where('created_by', '=', b.createdBy)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** Writes the broadcast and its messages (in the caller's transaction); returns its id. */
export async function startBroadcast(tx: Executor, now: number, b: NewBroadcast): Promise<number> {
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
      update_id: b.updateId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  const rendered = new Map<string, ReturnType<NewBroadcast['render']>>();
  const renderFor = (locale: string) => {
    const l: Locale = isLocale(locale) ? locale : b.defaultLocale;
    if (!rendered.has(l)) rendered.set(l, b.render(l));
    return rendered.get(l)!;
  };
  await enqueue(
    tx,
    now,
    ...b.recipients.map((r) => ({ chatId: r.id, ...renderFor(r.locale), photo: b.photo, priority: PRIORITY.bulk, broadcastId: id })),
  );
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

/** Broadcasts not yet marked finished, whatever their status (a stopped one still needs its totals). */
export function unfinishedBroadcasts(db: Executor) {
  return db.selectFrom('broadcasts').selectAll().where('finished_at', 'is', null).execute();
}

/**
 * Stores the latest progress text; true when it changed. Whoever changes the stored text edits
 * the message: Telegram refuses an edit that changes nothing, and two processes must not both edit.
 */
export async function recordProgress(db: Executor, id: number, text: string): Promise<boolean> {
  const changed = await db
    .updateTable('broadcasts')
    .set({ progress_text: text })
    .where('id', '=', id)
    .where('finished_at', 'is', null)
    .where((eb) => eb.or([eb('progress_text', 'is', null), eb('progress_text', '<>', text)]))
    .executeTakeFirst();
  return Number(changed.numUpdatedRows) > 0;
}

/** Marks a broadcast finished (done, or cancelled after a Stop); false when another process already did. */
export async function finishBroadcast(tx: Executor, now: number, b: { id: number; status: string }): Promise<boolean> {
  const done = await tx
    .updateTable('broadcasts')
    .set({ finished_at: now, status: b.status === 'cancelled' ? 'cancelled' : 'done' })
    .where('id', '=', b.id)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}
