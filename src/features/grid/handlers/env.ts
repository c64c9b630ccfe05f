import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import type { InlineKeyboard } from '../../../delivery/outbox';
import type { handUpAnswerFlow } from '../../../../flows/grid/hand-up';
import type { unitFlow } from '../../../../flows/grid/unit';
import { workingCommunity } from '../services/people';

/** What the grid handlers work with. */
export interface GridEnv {
  deps: CoreDeps;
  bot: BotServices;
  flows: { unit: ReturnType<typeof unitFlow>; handUpAnswer: ReturnType<typeof handUpAnswerFlow> };
}

/** The community the presser works in (staff: their own; admins: theirs or the first). */
export const communityOf = (env: GridEnv, ctx: BotContext) =>
  workingCommunity(env.deps, { role: ctx.role, communityId: ctx.profile?.community_id });

export const replyPage = (ctx: BotContext, page: { text: string; keyboard: InlineKeyboard }) =>
  ctx.reply(page.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: page.keyboard } });

export const editPage = (ctx: BotContext, page: { text: string; keyboard: InlineKeyboard }) =>
  ctx.editMessageText(page.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: page.keyboard } }).catch(() => undefined);
