import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { reportQueue, type QueueFilter } from '../../../domain/hazards';
import { openCardButton, queueButton } from '../buttons';
import { renderCard } from '../services';
import { staffKeyboard } from '../views/card';
import { queueView } from '../views/queue';
import { cardLocale, staffOnReport, type HazardsEnv } from './press';

/** /reports: the staff queue, its filters and pages, and a report opened from it as a card. */

/** Pages past this are not offered; a forged page number stops here. */
const LAST_QUEUE_PAGE = 1000;

/** The filter a press asks for, within what the presser may see. */
function queueFilter(
  env: HazardsEnv,
  ctx: BotContext,
  asked?: { status: QueueFilter['status']; cat: string; com: string; overdue: string },
) {
  const { communities } = env.deps;
  const category = asked?.cat && communities.hazardCategory(asked.cat) ? asked.cat : undefined;
  // Staff see their own community; admins may choose.
  const communityId =
    ctx.role === 'admin' ? (asked?.com && communities.community(asked.com) ? asked.com : undefined) : (ctx.profile?.community_id ?? '-');
  return { status: asked?.status ?? 'open', category, communityId, overdue: asked?.overdue === '1' } satisfies QueueFilter;
}

async function renderQueue(env: HazardsEnv, ctx: BotContext, filter: QueueFilter, page: number) {
  const { deps } = env;
  const { rows, total } = await reportQueue(deps.db, deps.clock.now(), deps.communities.config.hazardCategories, filter, page);
  return queueView(deps, { filter, page, rows, total, admin: ctx.role === 'admin' }, ctx.t, ctx.locale);
}

export async function showQueue(env: HazardsEnv, ctx: BotContext) {
  const { text, keyboard } = await renderQueue(env, ctx, queueFilter(env, ctx), 0);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
}

/** A filter or page button of the queue: the same message shows the new page. */
export function onQueuePage(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: queueButton,
    minRole: 'staff',
    run: async (ctx, _none, p) => {
      const page = Math.max(0, Math.min(LAST_QUEUE_PAGE, p.page));
      const { text, keyboard } = await renderQueue(env, ctx, queueFilter(env, ctx, p), page);
      await ctx.answerCbQuery();
      await ctx
        .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } })
        .catch((err) => ctx.log.debug({ err }, 'queue unchanged'));
    },
  });
}

/** A report of the queue, opened as its card with the staff buttons. */
export function onOpenCard(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: openCardButton,
    ...staffOnReport(env),
    run: async (ctx, r) => {
      await ctx.answerCbQuery();
      const locale = await cardLocale(env, ctx);
      return ctx.reply(await renderCard(env.deps, env.deps.db, r, locale), {
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: staffKeyboard(r, env.deps.i18n.translator(locale)) },
      });
    },
  });
}
