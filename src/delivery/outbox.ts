import type { Executor } from '../store/db';

/**
 * The outbox: every message that is not a direct reply to what a person just did is written
 * here first, in the same transaction as the change that causes it, and delivered by the
 * sender. Nothing is lost on a crash, and nothing is sent for a change that rolled back.
 */

export const PRIORITY = { personal: 0, group: 5, bulk: 9 } as const;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };
export type InlineKeyboard = InlineButton[][];

export interface OutgoingMessage {
  chatId: number;
  /** HTML; user text inside must already be escaped. */
  text: string;
  keyboard?: InlineKeyboard;
  /** A Telegram file_id: the message becomes a photo with the text as caption. */
  photo?: string;
  priority?: number;
  broadcastId?: number;
  ref?: string;
  /** Deliver no earlier than this (epoch ms). */
  notBefore?: number;
}

export async function enqueue(db: Executor, now: number, ...messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map((m) => {
    const markup = m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {};
    const [method, payload] = m.photo
      ? ['sendPhoto', { photo: m.photo, caption: m.text, parse_mode: 'HTML', ...markup }]
      : ['sendMessage', { text: m.text, parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...markup }];
    return {
      chat_id: m.chatId,
      method,
      payload: JSON.stringify(payload),
      priority: m.priority ?? PRIORITY.personal,
      not_before: m.notBefore ?? now,
      broadcast_id: m.broadcastId ?? null,
      ref: m.ref ?? null,
      message_id: null,
      error: null,
      created_at: now,
      sent_at: null,
    };
  });
  // Chunked so a 10,000-recipient broadcast stays within SQLite's variable limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('outbox').values(rows.slice(i, i + 500)).execute();
  }
}

/** The message_id Telegram gave a delivered message, e.g. a group card that must be edited later. */
export async function deliveredMessage(db: Executor, ref: string): Promise<{ chatId: number; messageId: number } | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select(['chat_id', 'message_id'])
    .where('ref', '=', ref)
    .where('status', '=', 'sent')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.message_id ? { chatId: row.chat_id, messageId: row.message_id } : undefined;
}
