import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { replyLong } from '../../../bot/reply';
import { deleteButton } from '../buttons';
import { eraseUser } from '../services';
import { deleteConfirmKeyboard, profileLines } from '../views';
import type { CoreKit } from './kit';

/** /mydata: everything stored about this person, the profile first, then each feature's part. */
export const myDataCommand =
  ({ deps, bot }: CoreKit) =>
  async (ctx: BotContext) => {
    const u = (await deps.users.find(ctx.from!.id))!;
    const lines = profileLines(ctx.t, ctx.locale, u, ctx.role, deps.communities);
    for (const part of bot.privacy) lines.push('', ...(await part.exportData(u.id, ctx.t)));
    await replyLong(ctx, lines.join('\n'));
  };

/** /deleteme asks first. */
export const deleteMeCommand = async (ctx: BotContext) => {
  await ctx.reply(ctx.t('core.deleteme_confirm'), { reply_markup: { inline_keyboard: deleteConfirmKeyboard(ctx.t) } });
};

/** The answer to /deleteme: erase on "yes" in the private chat, anything else keeps it all. */
export function deleteMeButton(composer: Composer<BotContext>, { deps, bot }: CoreKit): void {
  onButton(composer, {
    codec: deleteButton,
    run: async (ctx, _, { answer }) => {
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      if (answer !== 'yes' || ctx.chat?.type !== 'private') return ctx.reply(ctx.t('core.deleteme_kept'));
      await eraseUser(deps, bot.privacy, ctx.from.id);
      bot.flows.cancel(ctx);
      // Their conversation state goes too (telegraf deletes the stored session when it is null).
      (ctx as { session: unknown }).session = null;
      await ctx.reply(ctx.t('core.deleteme_done'), { reply_markup: { remove_keyboard: true } });
    },
  });
}
