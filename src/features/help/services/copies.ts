import { enqueueCall, PRIORITY, type InlineKeyboard } from '../../../delivery/outbox';
import type { Executor } from '../../../store/db';

/** The message pressed, which its handler edits in place (so the outbox does not edit it again). */
export type Pressed = { chatId: number; messageId: number };

/**
 * Re-renders every delivered copy of a message filed under `ref` (enqueueEdit edits only the last
 * one; an approval card or a re-posted shift has several), except the one pressed. The edits are
 * filed under `editRef` when given.
 */
export async function editCopies(
  tx: Executor,
  now: number,
  ref: string,
  render: (chatId: number) => Promise<{ text: string; keyboard?: InlineKeyboard }>,
  opts: { except?: Pressed; editRef?: string } = {},
): Promise<void> {
  const { except, editRef } = opts;
  const sent = await tx
    .selectFrom('outbox')
    .select(['chat_id', 'message_id'])
    .where('ref', '=', ref)
    .where('status', '=', 'sent')
    .where('method', '=', 'sendMessage')
    .execute();
  for (const m of sent) {
    if (!m.message_id || (except?.chatId === m.chat_id && except.messageId === m.message_id)) continue;
    const { text, keyboard } = await render(m.chat_id);
    await enqueueCall(tx, now, {
      chatId: m.chat_id,
      method: 'editMessageText',
      payload: { message_id: m.message_id, text, parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard ?? [] } },
      priority: m.chat_id < 0 ? PRIORITY.group : PRIORITY.personal,
      ref: editRef,
    });
  }
}
