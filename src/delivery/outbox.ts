import type { Insertable } from 'kysely';
import type { Executor } from '../store/db';
import type { OutboxTable } from '../store/schema/core';
import { pictureCalls, pictureSend } from './media';

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
  /** A picture (src/delivery/media.ts): the message becomes a photo (or image file) with the text as caption. */
  photo?: string;
  /** A voice note by its file_id (Telegram plays it): the message becomes that voice, with the text as caption. */
  voice?: { fileId: string; seconds: number };
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
    const picture = m.photo ? pictureSend(m.photo) : undefined;
    const [method, payload] = picture
      ? [picture.method, { [picture.field]: picture.fileId, caption: m.text, parse_mode: 'HTML', ...markup }]
      : m.voice
        ? ['sendVoice', { voice: m.voice.fileId, duration: m.voice.seconds, caption: m.text, parse_mode: 'HTML', ...markup }]
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
  await insertRows(db, rows);
}

/**
 * Pictures as albums (sendMediaGroup through pictureCalls in media.ts: photos and image files in
 * albums of their own, the caption on the first). An album carries no buttons, so whatever needs
 * buttons is a message of its own. Rows of one chat and priority go out in the order they were
 * written, so an album enqueued right after a card follows it.
 */
export async function enqueueAlbum(
  db: Executor,
  now: number,
  album: { chatId: number; pictures: string[]; caption?: string; priority?: number; ref?: string },
): Promise<void> {
  const rows = pictureCalls(album.pictures, album.caption).map((call): Insertable<OutboxTable> => ({
    chat_id: album.chatId,
    method: call.method,
    payload: JSON.stringify(call.payload),
    priority: album.priority ?? PRIORITY.personal,
    not_before: now,
    broadcast_id: null,
    ref: album.ref ?? null,
    message_id: null,
    error: null,
    created_at: now,
    sent_at: null,
  }));
  if (rows.length > 0) await insertRows(db, rows);
}

/** Any other Bot API call delivered in order with the rest, e.g. editing a message sent earlier. */
export interface OutgoingCall {
  chatId: number;
  method: 'editMessageText' | 'editMessageReplyMarkup' | 'editMessageCaption' | 'deleteMessage' | 'setChatMenuButton';
  /** The method's parameters without chat_id. */
  payload: Record<string, unknown>;
  priority?: number;
  ref?: string;
  notBefore?: number;
}

export async function enqueueCall(db: Executor, now: number, ...calls: OutgoingCall[]): Promise<void> {
  await insertRows(
    db,
    calls.map((c) => ({
      chat_id: c.chatId,
      method: c.method,
      payload: JSON.stringify(c.payload),
      priority: c.priority ?? PRIORITY.personal,
      not_before: c.notBefore ?? now,
      broadcast_id: null,
      ref: c.ref ?? null,
      message_id: null,
      error: null,
      created_at: now,
      sent_at: null,
    })),
  );
}

/**
 * "Edit this card later": re-renders a message delivered earlier under `ref` (the last one sent),
 * as a caption when it went out as a photo. Nothing happens if it has not been delivered yet:
 * the pending send will carry whatever the card says when it was written. The edit is filed
 * under `<ref>:edit`, so `ref` keeps naming the message itself.
 */
export async function enqueueEdit(
  db: Executor,
  now: number,
  edit: { ref: string; text: string; keyboard?: InlineKeyboard; priority?: number },
): Promise<void> {
  const sent = await db
    .selectFrom('outbox')
    .select(['chat_id', 'message_id', 'method'])
    .where('ref', '=', edit.ref)
    .where('status', '=', 'sent')
    .where('method', 'in', ['sendMessage', 'sendPhoto', 'sendDocument'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!sent?.message_id) return;
  const markup = { reply_markup: { inline_keyboard: edit.keyboard ?? [] } };
  const call: OutgoingCall =
    sent.method !== 'sendMessage'
      ? {
          chatId: sent.chat_id,
          method: 'editMessageCaption',
          payload: { message_id: sent.message_id, caption: edit.text, parse_mode: 'HTML', ...markup },
        }
      : {
          chatId: sent.chat_id,
          method: 'editMessageText',
          payload: {
            message_id: sent.message_id,
            text: edit.text,
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...markup,
          },
        };
  await enqueueCall(db, now, { ...call, priority: edit.priority ?? PRIORITY.group, ref: `${edit.ref}:edit` });
}

async function insertRows(db: Executor, rows: Insertable<OutboxTable>[]): Promise<void> {
  // Chunked so a 10,000-recipient broadcast stays within SQLite's variable limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('outbox')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/** /deleteme: nothing more is sent to this person, and what was sent is no longer kept. */
export async function forgetRecipient(db: Executor, chatId: number): Promise<void> {
  await db.updateTable('outbox').set({ status: 'cancelled' }).where('chat_id', '=', chatId).where('status', '=', 'pending').execute();
  await db.updateTable('outbox').set({ payload: '{}' }).where('chat_id', '=', chatId).execute();
}

/** Was this delivered message sent under a ref that starts with one of `prefixes` (e.g. a report's pages)? */
export async function sentUnder(db: Executor, prefixes: string[], message: { chatId: number; messageId: number }): Promise<boolean> {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('chat_id', '=', message.chatId)
    .where('message_id', '=', message.messageId)
    .where('status', '=', 'sent')
    .where((eb) => eb.or(prefixes.map((prefix) => eb('ref', 'like', `${prefix}%`))))
    .executeTakeFirst();
  return row !== undefined;
}

/** Was a message filed under `ref` queued since `since` (e.g. the same prompt a moment ago)? */
export async function queuedSince(db: Executor, ref: string, since: number): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('id').where('ref', '=', ref).where('created_at', '>', since).executeTakeFirst();
  return row !== undefined;
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
