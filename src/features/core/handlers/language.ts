import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { LOCALE_NAMES } from '../../../i18n';
import { langButton } from '../buttons';
import type { CoreDeps } from '../../../deps';
import { languageKeyboard } from '../views';
import { groupLanguageCommand } from './link';
import { onboarded, type CoreKit } from './kit';

/** /lang in a private chat, and the first thing a newcomer is asked. */
export const languagePicker = (ctx: BotContext) =>
  ctx.reply(ctx.t('core.choose_language'), { reply_markup: { inline_keyboard: languageKeyboard(ctx.locale) } });

/** /lang: one's own language in private, the group's language in a linked group. */
export const languageCommand = (deps: CoreDeps) => {
  const inGroup = groupLanguageCommand(deps);
  return (ctx: BotContext) => (ctx.chat?.type === 'private' ? languagePicker(ctx) : inGroup(ctx));
};

/** A language chosen: remembered, the command menu redone, and onboarding begun if it is still to do. */
export function languageButton(composer: Composer<BotContext>, { deps, bot, onboarding }: CoreKit): void {
  onButton(composer, {
    codec: langButton,
    run: async (ctx, _, { locale }) => {
      // The language they had chosen already: the picker and the press say so; menus and keyboard stay as they are.
      const kept = ctx.profile?.locale === locale && onboarded(ctx);
      if (!kept) await deps.users.update(ctx.from.id, { locale }, deps.clock.now());
      ctx.locale = locale;
      ctx.t = deps.i18n.translator(locale);
      await ctx.answerCbQuery(LOCALE_NAMES[locale]);
      // The picker keeps the choice written under it, its buttons gone.
      await ctx.editMessageText(`${ctx.t('core.choose_language')}\n\n✓ ${LOCALE_NAMES[locale]}`).catch(() => undefined);
      if (kept) return;
      await bot.refreshCommands(ctx.from.id, ctx.profile && { ...ctx.profile, locale }, ctx.from.language_code);
      if (!onboarded(ctx) && !bot.flows.active(ctx)) return bot.flows.start(ctx, onboarding);
      return ctx.reply(ctx.t('core.language_set'), { reply_markup: onboarded(ctx) ? bot.mainMenu(ctx) : undefined });
    },
  });
}
