import { Agent } from 'node:http';
import type { Middleware, Telegram } from 'telegraf';
import type { BotContext } from '../context';

/**
 * telegraf drops any agent when the Bot API root is plain http:// (a local Bot API server, or
 * the emulator), and node-fetch then sends "Connection: close": every call opened a new TCP
 * connection. This gives such clients back one keep-alive agent. (For https:// telegraf keeps
 * its own keep-alive agent, which is left alone.)
 */
const agent = new Agent({ keepAlive: true, keepAliveMsecs: 10_000 });

export function keepAlive(telegram: Telegram): Telegram {
  const options = telegram.options as { apiRoot: string; agent?: unknown };
  if (options.apiRoot.startsWith('http://')) options.agent = agent;
  return telegram;
}

/** telegraf gives each update its own Telegram client (made from the bot's options, so without the agent). */
export const keepAliveCalls: Middleware<BotContext> = (ctx, next) => {
  keepAlive(ctx.telegram);
  return next();
};
