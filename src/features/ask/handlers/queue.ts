import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { waitingQuestions } from '../../../domain/ask';
import { questionsPageButton } from '../buttons';
import { questionsView } from '../views/queue';
import type { AskEnv } from './env';

/**
 * /questions: what waits for staff, the longest wait first, as /reports lists reports. Staff see
 * their community's, admins every community's; each question's Answer is the card's own button.
 */

/** Pages past this are not offered; a forged page number stops here. */
const LAST_PAGE = 1000;

async function renderQuestions(env: AskEnv, ctx: BotContext, overdue: boolean, page: number) {
  const { deps } = env;
  const now = deps.clock.now();
  const slaHours = deps.communities.settings.askSlaHours;
  const communityId = ctx.role === 'admin' ? undefined : (ctx.profile?.community_id ?? '-');
  const { rows, total } = await waitingQuestions(deps.db, now, slaHours, { communityId, overdue }, page);
  return questionsView(deps, { rows, total, page, overdue, now, slaHours }, ctx.t, ctx.locale);
}

export async function showQuestions(env: AskEnv, ctx: BotContext) {
  const { text, keyboard } = await renderQuestions(env, ctx, false, 0);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
}

/** The overdue filter or a page: the same message shows it. */
export function onQuestionsPage(composer: Composer<BotContext>, env: AskEnv): void {
  onButton(composer, {
    codec: questionsPageButton,
    minRole: 'staff',
    run: async (ctx, _none, p) => {
      const page = Math.max(0, Math.min(LAST_PAGE, p.page));
      const { text, keyboard } = await renderQuestions(env, ctx, p.overdue === '1', page);
      await ctx.answerCbQuery();
      await ctx
        .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } })
        .catch((err) => ctx.log.debug({ err }, 'questions unchanged'));
    },
  });
}
