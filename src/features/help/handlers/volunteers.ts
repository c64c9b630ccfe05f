import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findRequest, hoursOf, tasksOf } from '../../../domain/help';
import { canStaff } from '../../../domain/roles';
import { shiftsOf } from '../../../domain/shifts';
import { decideMember, findMember, isTeamLead, teamsOf } from '../../../domain/volunteers';
import { memberButton } from '../buttons';
import { voiceMessages } from '../services/cards';
import { claimerKeyboard } from '../views/tasks';
import { alreadyInTeamsText, hoursText, myShiftsText } from '../views/volunteers';
import { clearButtons, type HelpParts } from './parts';

/** Volunteers' side: sign-up decisions (lead in private, or staff in the committee group), /volunteer, /tasks, /hours. */

export function registerMemberButtons(composer: Composer<BotContext>, { deps, s, bot }: HelpParts): void {
  const { db } = deps;
  onButton(composer, {
    codec: memberButton,
    load: (b) => findMember(db, b.member),
    may: async (ctx, m) =>
      (await isTeamLead(db, ctx.from.id, m.community_id, m.team_id)) || canStaff(ctx.role, ctx.profile, m.community_id),
    run: async (ctx, m, b) => {
      const approve = b.yes === 1;
      const now = deps.clock.now();
      const decided = await decideMember(db, now, m.id, approve, ctx.from.id, async () => undefined);
      if (!decided) return ctx.answerCbQuery(ctx.t('help.already_decided'));
      await ctx.answerCbQuery(ctx.t('help.done_ok'));
      await clearButtons(ctx);
      if (decided.user_id === null) return;
      await s.volunteers.tellDecision(now, m, approve, decided.user_id, ctx.log);
      if (approve) await bot.refreshCommands(decided.user_id);
    },
  });
}

/** /volunteer: the teams someone is already in, then the sign-up. */
export const volunteer =
  ({ deps, s, bot, flows }: HelpParts) =>
  async (ctx: BotContext) => {
    const approved = (await teamsOf(deps.db, ctx.from!.id)).filter((t) => t.status === 'approved');
    if (approved.length > 0) await ctx.reply(alreadyInTeamsText(s.text, approved, ctx.locale), { parse_mode: 'HTML' });
    return bot.flows.start(ctx, flows.volunteer);
  };

/** /tasks: each claimed task with its details and buttons, then the coming shifts. */
export const myTasks =
  ({ deps, s }: HelpParts) =>
  async (ctx: BotContext) => {
    const tasks = await tasksOf(deps.db, ctx.from!.id);
    const shifts = await shiftsOf(deps.db, ctx.from!.id, deps.clock.now());
    if (tasks.length === 0 && shifts.length === 0) return ctx.reply(ctx.t('help.tasks_none'));
    for (const task of tasks) {
      const request = (await findRequest(deps.db, task.request_id))!;
      await ctx.reply(`${ctx.t(`help.status_${task.status}`)}\n${await s.cards.details(deps.db, task, request, ctx.locale)}`, {
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: claimerKeyboard(s.text, task, ctx.locale) },
      });
      // What the requester said aloud follows the details, as when the task was claimed.
      for (const m of await voiceMessages(s.text, deps.db, request, ctx.locale))
        await ctx.replyWithVoice(m.voice.fileId, { caption: m.text, duration: m.voice.seconds });
    }
    if (shifts.length > 0) await ctx.reply(myShiftsText(s.text, shifts, ctx.locale), { parse_mode: 'HTML' });
  };

/** /hours: counted hours by month. */
export const myHours =
  ({ deps, s }: HelpParts) =>
  async (ctx: BotContext) => {
    const rows = await hoursOf(deps.db, ctx.from!.id);
    if (rows.length === 0) return ctx.reply(ctx.t('help.hours_none'));
    return ctx.reply(hoursText(s.text, rows, ctx.locale));
  };
