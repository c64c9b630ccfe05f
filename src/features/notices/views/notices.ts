import type { InlineKeyboard } from '../../../delivery/outbox';
import type { Totals } from '../../../delivery/broadcasts';
import { TOPICS } from '../../../domain/notices';
import { escapeHtml, type Translate } from '../../../i18n';
import type { Topic } from '../../../store/schema/delivery';
import { broadcastButton, subscribeButton } from '../buttons';

/** What notices, subscriptions and a broadcast's progress look like. */

/** Telegram's limits (4096 text, 1024 caption) less room for the header and footer. */
export const MAX_NOTICE = 3500;
export const MAX_CAPTION_NOTICE = 850;

/** A notice as its recipients see it, in their language. */
export function renderNotice(t: Translate, community: string, text: string, urgent: boolean): string {
  const header = t(urgent ? 'notices.urgent_header' : 'notices.notice_header', { community: escapeHtml(community) });
  return `${header}\n\n${escapeHtml(text)}${urgent ? '' : `\n\n<i>${t('notices.notice_footer')}</i>`}`;
}

/** /subscribe: one button per topic, ticked when it is on. */
export function subscriptionKeyboard(t: Translate, subs: Record<Topic, boolean>): InlineKeyboard {
  return TOPICS.map((topic) => [
    { text: `${subs[topic] ? '✅' : '⬜'} ${t(`notices.topic_${topic}`)}`, callback_data: subscribeButton.pack({ topic }) },
  ]);
}

/** The broadcast a progress message is about. */
export interface BroadcastSummary {
  id: number;
  /** The notice as staff wrote it (escaped HTML). */
  text: string;
  total: number;
}

export function progressText(t: Translate, b: BroadcastSummary, totals: Totals, secondsLeft: number): string {
  const left = `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}`;
  return t('notices.progress', { title: titleOf(b.text), total: b.total, left, ...totals });
}

/** The last edit of a progress message: the totals, after the end or a Stop. */
export function finalText(t: Translate, b: BroadcastSummary, totals: Totals, stopped: boolean): string {
  return t(stopped ? 'notices.progress_stopped' : 'notices.progress_done', { title: titleOf(b.text), total: b.total, ...totals });
}

export function stopKeyboard(t: Translate, id: number): InlineKeyboard {
  return [[{ text: t('notices.stop_button'), callback_data: broadcastButton.pack({ action: 'stop', id }) }]];
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
