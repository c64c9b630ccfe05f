import { TelegramError, type Middleware } from 'telegraf';
import type { Sender } from '../../delivery/sender';
import type { ChatQueues } from '../chat-queue';
import type { BotContext } from '../context';

/** The first middlewares of every update: its place in its chat's line, and counting what it sends against Telegram's limits. */

/** How long an album's answer waits for the album's next part (they arrive within milliseconds of each other). */
export const ALBUM_HOLD_MS = 400;

/**
 * The first middleware: each chat's updates one after another (src/bot/chat-queue.ts). It runs
 * before anything awaits, so the updates of one polling batch queue up in update_id order.
 */
export function oneAtATimePerChat(queues: ChatQueues): Middleware<BotContext> {
  return (ctx, next) => {
    const chat = ctx.chat?.id ?? ctx.from?.id;
    if (chat === undefined) return next();
    const message = ctx.message;
    const album = message && 'media_group_id' in message ? message.media_group_id : undefined;
    if (album) ctx.holdAnswer = (send) => queues.hold(String(chat), album, send);
    return queues.run(String(chat), { updateId: ctx.update.update_id, album }, () => next());
  };
}

/** A direct reply waits at most this long for Telegram's retry_after; longer, and the update fails (and is answered with an apology). */
const MAX_REPLY_WAIT_S = 5;

/** Methods that post a new message, which Telegram counts against its flood limits. */
const postsMessage = (method: string) =>
  (method.startsWith('send') && method !== 'sendChatAction') || method === 'copyMessage' || method === 'forwardMessage';

/**
 * The bot's direct replies (not from the outbox) are counted with the sender (and, through
 * Redis, with the instance that sends the outbox), so that a broadcast at full pace leaves room
 * for them instead of earning a 429 from Telegram. A chat may get a short burst (a greeting,
 * then the first question) at once; beyond it, replies wait for Telegram's one a second
 * (Sender.replyWait). (Telegraf gives each update its own Telegram client, so this wraps ctx.telegram.)
 */
export function countDirectSends(sender: Sender): Middleware<BotContext> {
  return (ctx, next) => {
    const telegram = ctx.telegram;
    const call = telegram.callApi.bind(telegram);
    telegram.callApi = (async (method: string, payload: { chat_id?: unknown }, options?: object) => {
      const chatId = payload?.chat_id;
      if (!postsMessage(method) || typeof chatId !== 'number') return call(method as never, payload as never, options);
      for (let wait = sender.replyWait(chatId); wait > 0; wait = sender.replyWait(chatId))
        await new Promise((resolve) => setTimeout(resolve, wait));
      const post = () => sender.countedDirect(chatId, () => call(method as never, payload as never, options));
      return post().catch(async (err: unknown) => {
        // The chat got more messages than Telegram's burst (from another instance perhaps): wait
        // as Telegram asks and send once more, rather than fail the update.
        const retryAfter = err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 1) : undefined;
        if (retryAfter === undefined || retryAfter > MAX_REPLY_WAIT_S) throw err;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        return post();
      });
    }) as typeof telegram.callApi;
    return next();
  };
}
