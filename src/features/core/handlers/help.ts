import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import { helpText } from '../views';
import { onboarded } from './kit';

/** /help: the commands this role may use here. */
export const helpCommand = (bot: BotServices) => async (ctx: BotContext) => {
  const commands = bot.commandsFor(ctx.role, ctx.chat?.type !== 'private' ? 'group' : 'private');
  await ctx.reply(helpText(ctx.t, ctx.role, commands));
};

/** /cancel: leaves whatever flow is running. */
export const cancelCommand = (bot: BotServices) => async (ctx: BotContext) => {
  const had = bot.flows.cancel(ctx);
  await ctx.reply(ctx.t(had ? 'common.cancelled' : 'common.nothing_to_cancel'), {
    reply_markup: onboarded(ctx) ? bot.mainMenu(ctx) : { remove_keyboard: true },
  });
};
