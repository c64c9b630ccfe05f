import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import { idField } from '../../../bot/callback';
import type { BotContext } from '../../../bot/context';
import { findRequest, requestsOf, type HelpRequest } from '../../../domain/help';
import { canStaff } from '../../../domain/roles';
import { myRequestButton } from '../buttons';
import type { Every } from '../services/recurrence';
import { myRequestKeyboard, myRequestText } from '../views/requests';
import { clearButtons, type HelpParts } from './parts';

/** The requester's side: /myrequests and its buttons; staff's /recur. */

/** /myrequests: one message per request, with its buttons. */
export const myRequests =
  ({ deps, s }: HelpParts) =>
  async (ctx: BotContext) => {
    const rows = await requestsOf(deps.db, ctx.from!.id);
    if (rows.length === 0) return ctx.reply(ctx.t('help.myrequests_none'));
    for (const r of rows) {
      const keyboard = myRequestKeyboard(s.text, r, ctx.locale);
      await ctx.reply(myRequestText(s.text, r, ctx.locale), {
        parse_mode: 'HTML',
        reply_markup: keyboard ? { inline_keyboard: keyboard } : undefined,
      });
    }
  };

const cancelMine = async (ctx: PressContext, request: HelpRequest, { deps, s }: HelpParts) => {
  if (!(await s.requests.cancelByRequester(deps.clock.now(), request, ctx.from.id)))
    return ctx.answerCbQuery(ctx.t('help.cancel_too_late'), { show_alert: true });
  await ctx.answerCbQuery(ctx.t('help.done_ok'));
  await clearButtons(ctx);
  return ctx.reply(ctx.t('help.request_cancelled', { id: request.id }));
};

/** /myrequests buttons: only on one's own request while it is still open. */
export function registerMyRequestButtons(composer: Composer<BotContext>, p: HelpParts): void {
  onButton(composer, {
    codec: myRequestButton,
    load: async (b, ctx) => {
      const request = await findRequest(p.deps.db, b.request);
      const open = request?.status === 'active' || request?.status === 'pending';
      return request && open && request.requester_id === ctx.from.id ? request : undefined;
    },
    run: async (ctx, request, b) => {
      if (b.act === 'c') return cancelMine(ctx, request, p);
      await ctx.answerCbQuery();
      return p.bot.flows.start(ctx, p.flows.note, { requestId: request.id });
    },
  });
}

const EVERY: readonly string[] = ['week', 'month', 'off'] satisfies Every[];

/** /recur <request> week|month|off: staff make a request repeat (meal delivery, a paired household's visit). */
export const recur =
  ({ deps, s }: HelpParts) =>
  async (ctx: BotContext) => {
    const [idText, every] = (ctx.message && 'text' in ctx.message ? ctx.message.text : '').split(/\s+/).slice(1);
    const id = idField(idText);
    const request = id ? await findRequest(deps.db, id) : undefined;
    if (!request || !EVERY.includes(every ?? '')) return ctx.reply(ctx.t('help.recur_usage'));
    if (!canStaff(ctx.role, ctx.profile, request.community_id)) return ctx.reply(ctx.t('common.not_allowed'));
    const set = await s.recurrence.recur(deps.clock.now(), request, every as Every, ctx.from!.id);
    if (!set) return ctx.reply(ctx.t('help.recur_not_possible', { id: request.id }));
    if (every === 'off') return ctx.reply(ctx.t('help.recur_off', { id: request.id }));
    return ctx.reply(ctx.t(`help.recur_set_${every}`, { id: request.id, when: s.text.when(set.next, null, ctx.locale) }));
  };
