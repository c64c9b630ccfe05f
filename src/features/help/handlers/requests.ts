import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import { idField } from '../../../bot/callback';
import type { BotContext } from '../../../bot/context';
import { endedUnclaimed, findRequest, requestHistory, requestsOf, type HelpRequest, type RequestHistory } from '../../../domain/help';
import type { Locale } from '../../../i18n';
import { canStaff } from '../../../domain/roles';
import { myRequestButton } from '../buttons';
import type { Every } from '../services/recurrence';
import { historyLines, myRequestKeyboard, myRequestText } from '../views/requests';
import { clearButtons, type HelpParts } from './parts';

/** The requester's side: /myrequests and its buttons; staff's /recur. */

/** The names the history shows for the volunteers in it, as the group sees them (first name if they agreed). */
async function volunteerNames({ deps, s }: HelpParts, history: RequestHistory, locale: Locale): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const e of history.events) {
    const task = history.tasks.find((t) => t.id === e.task_id);
    if (e.actor_id === null || names.has(e.actor_id) || !task || e.kind === 'open') continue;
    names.set(e.actor_id, await s.cards.volunteerLabel(deps.db, e.actor_id, task, locale));
  }
  return names;
}

/**
 * /myrequests: one message per request with its history (each step, with its time, in the
 * reader's language), its notes and the volunteer's, and its buttons; the volunteer's photo follows.
 */
export const myRequests = (p: HelpParts) => async (ctx: BotContext) => {
  const { deps, s } = p;
  const rows = await requestsOf(deps.db, ctx.from!.id);
  if (rows.length === 0) return ctx.reply(ctx.t('help.myrequests_none'));
  for (const r of rows) {
    const history = await requestHistory(deps.db, r.id);
    const lines = historyLines(s.text, r, history, await volunteerNames(p, history, ctx.locale), ctx.locale);
    const keyboard = myRequestKeyboard(s.text, r, ctx.locale);
    await ctx.reply(myRequestText(s.text, r, ctx.locale, { lines, tasks: history.tasks }), {
      parse_mode: 'HTML',
      reply_markup: keyboard ? { inline_keyboard: keyboard } : undefined,
    });
    for (const t of history.tasks.filter((task) => task.done_photo))
      await ctx.replyWithPhoto(t.done_photo!, { caption: ctx.t('help.myrequest_photo', { id: r.id }) });
  }
};

const cancelMine = async (ctx: PressContext, request: HelpRequest, { deps, s }: HelpParts) => {
  if (!(await s.requests.cancelByRequester(deps.clock.now(), request, ctx.from.id)))
    return ctx.answerCbQuery(ctx.t('help.cancel_too_late'), { show_alert: true });
  await ctx.answerCbQuery(ctx.t('help.done_ok'));
  await clearButtons(ctx);
  return ctx.reply(ctx.t('help.request_cancelled', { id: request.id }));
};

/** Re-post for a new time: only while the slot passed unclaimed and nothing was posted since (a second tap hears so). */
const newTime = async (ctx: PressContext, request: HelpRequest, p: HelpParts) => {
  const latest = await p.deps.db
    .selectFrom('tasks')
    .selectAll()
    .where('request_id', '=', request.id)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!endedUnclaimed(request, latest))
    return ctx.answerCbQuery(ctx.t('help.new_time_not_needed', { id: request.id }), { show_alert: true });
  if (await p.bot.flows.start(ctx, p.flows.repost, { requestId: request.id })) await clearButtons(ctx);
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
      if (b.act === 't') return newTime(ctx, request, p);
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
