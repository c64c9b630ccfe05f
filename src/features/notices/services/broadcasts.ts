import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import {
  broadcastTotals,
  finishBroadcast,
  recordProgress,
  broadcastOfUpdate,
  startBroadcast,
  stopBroadcast,
  unfinishedBroadcasts,
  type NewBroadcast,
  type StopResult,
  type Totals,
} from '../../../delivery/broadcasts';
import { deliveredMessage, enqueue, enqueueCall, PRIORITY } from '../../../delivery/outbox';
import type { Watcher } from '../../../delivery/sender';
import { audit } from '../../../domain/audit';
import { audienceMembers, topicFilter, type Recipient } from '../../../domain/notices';
import { escapeHtml, type Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { Audience, Topic } from '../../../store/schema/delivery';
import { finalText, progressText, renderNotice, stopKeyboard, type BroadcastSummary } from '../views/notices';

/**
 * Sending a notice or an invitation to many people: who the audience is, the broadcast itself,
 * and the progress message its sender watches (edited every few seconds while the sender works,
 * ending with the totals, with a Stop button until then).
 */

const progressRef = (id: number) => `bc:${id}:progress`;

/**
 * Who an audience reaches, limited to the subscribers of `topic` where it applies (volunteers,
 * teams and urgent notices are not limited; see topicFilter). Those the bot cannot reach are counted apart.
 */
export function recipientsOf(
  deps: CoreDeps,
  communityId: string,
  audience: Audience,
  topic: Topic,
  urgent = false,
): Promise<{ recipients: Recipient[]; unreachable: number }> {
  return audienceMembers(deps.db, communityId, audience, topicFilter(audience, urgent, topic));
}

/** Writes the broadcast, its messages and its sender's progress message in one transaction; returns its id. */
export async function sendBroadcast(tx: Executor, now: number, deps: CoreDeps, b: Omit<NewBroadcast, 'defaultLocale'>): Promise<number> {
  const id = await startBroadcast(tx, now, { ...b, defaultLocale: deps.i18n.defaultLocale });
  const t = deps.i18n.translator(await deps.users.localeOf(b.createdBy, tx));
  const totals = { sent: 0, unreachable: 0, failed: 0, cancelled: 0, pending: b.recipients.length };
  await enqueue(tx, now, {
    chatId: b.createdBy,
    text: progressText(t, { id, text: b.text, total: b.recipients.length }, totals, 0),
    keyboard: stopKeyboard(t, id),
    priority: PRIORITY.personal,
    ref: progressRef(id),
  });
  return id;
}

export interface NewNotice {
  communityId: string;
  createdBy: number;
  audience: Audience;
  urgent: boolean;
  /** As staff wrote it (plain text). */
  text: string;
  photo?: string;
  recipients: Recipient[];
  updateId: number;
}

/** /announce's send: the broadcast and its audit entry in one transaction, then the sender is woken. */
export async function sendNotice(deps: CoreDeps, now: number, n: NewNotice): Promise<void> {
  const name = deps.communities.community(n.communityId)!.name;
  await deps.db.transaction().execute(async (tx) => {
    // Handled again after a crash: the notice is under way already, never a second one.
    if ((await broadcastOfUpdate(tx, now, n)) !== undefined) return;
    const id = await sendBroadcast(tx, now, deps, {
      updateId: n.updateId,
      communityId: n.communityId,
      kind: 'notice',
      createdBy: n.createdBy,
      audience: n.audience,
      topic: n.urgent ? 'safety' : n.audience.kind === 'topic' ? n.audience.topic : 'notices',
      urgent: n.urgent,
      text: escapeHtml(n.text),
      photo: n.photo,
      recipients: n.recipients,
      render: (locale) => ({ text: renderNotice(deps.i18n.translator(locale), localName(name, locale), n.text, n.urgent) }),
    });
    await audit(tx, now, n.createdBy, 'notice.broadcast', `broadcast:${id}`, {
      community: n.communityId,
      audience: n.audience,
      urgent: n.urgent,
      recipients: n.recipients.length,
    });
  });
  deps.sender.poke();
}

/** The broadcast a Stop button names, for the check that the presser is staff of its community. */
export function broadcastOf(deps: CoreDeps, id: number) {
  return deps.db.selectFrom('broadcasts').select(['community_id', 'created_by']).where('id', '=', id).executeTakeFirst();
}

/** Stop: what is not yet sent is cancelled; the sender is woken to write the totals. */
export async function stopSending(deps: CoreDeps, id: number): Promise<StopResult> {
  const result = await stopBroadcast(deps.db, deps.clock.now(), id);
  deps.sender.poke();
  return result;
}

type OpenBroadcast = Awaited<ReturnType<typeof unfinishedBroadcasts>>[number];
type DeliveredMessage = { chatId: number; messageId: number };

/**
 * Keeps every unfinished broadcast's progress message up to date (the sender runs it every
 * couple of seconds) and, once nothing is pending, writes the totals as the last edit through
 * the outbox, so they arrive even after a restart.
 */
export function progressWatcher(deps: CoreDeps): Watcher {
  return async (now) => {
    for (const b of await unfinishedBroadcasts(deps.db)) {
      const totals = await broadcastTotals(deps.db, b.id);
      const t = deps.i18n.translator(await deps.users.localeOf(b.created_by));
      const message = await deliveredMessage(deps.db, progressRef(b.id));
      if (totals.pending === 0) await finishProgress(deps, now, t, b, totals, message);
      else if (message) await editProgress(deps, t, b, totals, message);
      // else: the progress message itself is still on its way
    }
  };
}

async function editProgress(deps: CoreDeps, t: Translate, b: OpenBroadcast, totals: Totals, message: DeliveredMessage): Promise<void> {
  const secondsLeft = Math.ceil(totals.pending / Math.max(1, deps.sender.messagesPerSecond));
  const text = progressText(t, summaryOf(b), totals, secondsLeft);
  if (!(await recordProgress(deps.db, b.id, text))) return;
  await deps.sender
    .api('editMessageText', {
      chat_id: message.chatId,
      message_id: message.messageId,
      text,
      parse_mode: 'HTML',
      reply_markup: b.status === 'sending' ? { inline_keyboard: stopKeyboard(t, b.id) } : undefined,
    })
    .catch(() => undefined); // best effort: the final totals go through the outbox
}

async function finishProgress(
  deps: CoreDeps,
  now: number,
  t: Translate,
  b: OpenBroadcast,
  totals: Totals,
  message: DeliveredMessage | undefined,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await finishBroadcast(tx, now, b))) return; // another process finished it
    const text = finalText(t, summaryOf(b), totals, b.status === 'cancelled');
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

const summaryOf = (b: OpenBroadcast): BroadcastSummary => ({ id: b.id, text: b.text, total: b.total });
