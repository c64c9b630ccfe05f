import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { miniAppUrl, syncMenuButtons } from '../services/menus';

/** /dashboard: a button that opens the dashboard as a Mini App (web_app buttons work in private chats only). */
export const dashboardCommand = (deps: CoreDeps) => async (ctx: BotContext) => {
  const settings = deps.config.dashboard;
  if (!settings) return ctx.reply(ctx.t('dashboard.not_configured'));
  // The menu button too, now rather than at the next run of the job.
  await syncMenuButtons(deps, ctx.from!.id);
  return ctx.reply(ctx.t('dashboard.open_text'), {
    reply_markup: { inline_keyboard: [[{ text: ctx.t('dashboard.open_button'), web_app: { url: miniAppUrl(settings.url) } }]] },
  });
};
