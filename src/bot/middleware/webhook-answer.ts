import type { ServerResponse } from 'node:http';
import type { Middleware, Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { BotContext } from '../context';
import { withoutNulls } from './transport';

/**
 * Telegram lets a bot make one Bot API call in its HTTP answer to a webhook POST, and never tells
 * it the result. A press's answer rides there: answerCallbackQuery's result is only `true`, and if
 * Telegram drops it the spinner only stops late. A typed answer's POST carries the buttons taken
 * off the question it answered (callWithoutResult): if that is dropped, the old buttons stay and a
 * press on them is a stale press, as for any old message. A lost reply would be a lost answer, so
 * every other call keeps its own request. The answer is written when the update has been handled to
 * the end, bot.catch included, as before: telegraf's own webhookReply writes it at the first call,
 * which confirms the update before its work is done, so a crash after it would lose the update.
 */

/** A Bot API call as it travels in a webhook's answer: the method and its parameters. */
export type WebhookCall = { method: string } & Record<string, unknown>;

interface OpenPost {
  call?: WebhookCall;
}

/** The updates whose webhook POST is not answered yet, each with the call to put in its answer. */
const openPosts = new WeakMap<Update, OpenPost>();

/** Handles a webhook POST's update to the end, then answers the POST (200), carrying the call that rides, if any. */
export async function handleWebhookUpdate(bot: Telegraf<BotContext>, update: Update, res: ServerResponse): Promise<void> {
  const post: OpenPost = {};
  openPosts.set(update, post);
  try {
    await bot.handleUpdate(update);
  } finally {
    // Closed before writing: a handler still running (past telegraf's timeout) makes its own calls.
    openPosts.delete(update);
    if (post.call) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(post.call, withoutNulls));
    else res.writeHead(200).end();
  }
}

/**
 * The first answerCallbackQuery of a press from an open webhook POST rides in that POST's answer
 * and resolves `true` at once (what Telegram would answer). Any other call, a second answer, and
 * an answer once the POST is answered (or when polling) go over HTTP as before. It wraps the
 * client's callApi, not ctx.answerCbQuery, so a replaced answerCbQuery (the claim take-over's
 * no-op) composes with it in either order.
 */
export const answerInWebhook: Middleware<BotContext> = (ctx, next) => {
  if (!openPosts.has(ctx.update) || !ctx.callbackQuery) return next();
  const telegram = ctx.telegram;
  const call = telegram.callApi.bind(telegram);
  let answered = false;
  telegram.callApi = ((method: string, payload: Record<string, unknown>, options?: object) => {
    if (method !== 'answerCallbackQuery' || answered) return call(method as never, payload as never, options);
    answered = true;
    return rideIn(ctx.update, method, payload) ? Promise.resolve(true) : call(method as never, payload as never, options);
  }) as typeof telegram.callApi;
  return next();
};

/**
 * A call whose result nobody reads and whose loss harms nothing rides in the answer to the update's
 * webhook POST when that POST is open, carries no call yet and is not a press (whose place is its
 * answer's); otherwise it is a request. Riding, it is made after every request of the update.
 */
export function callWithoutResult(ctx: BotContext, method: string, payload: Record<string, unknown>): Promise<unknown> {
  if (ctx.callbackQuery || !rideIn(ctx.update, method, payload)) return ctx.telegram.callApi(method as never, payload as never);
  return Promise.resolve(true);
}

/** Puts the call in the answer to the update's webhook POST if that POST is still open and carries none yet: whether it did. */
function rideIn(update: Update, method: string, payload: Record<string, unknown>): boolean {
  const post = openPosts.get(update);
  if (!post || post.call) return false;
  post.call = { method, ...payload };
  return true;
}
