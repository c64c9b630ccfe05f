import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import { cardLocale } from '../../../bot/card-locale';
import type { BotContext } from '../../../bot/context';
import { allowedActions, findRequest, findTask, lastReleasedBy, type Task } from '../../../domain/help';
import { canStaff } from '../../../domain/roles';
import { isTeamLead, isTeamMember } from '../../../domain/volunteers';
import { escapeHtml } from '../../../i18n';
import { claimButton, hoursButton, rateButton, staffTaskButton, taskButton } from '../buttons';
import { claimerKeyboard, taskCardText } from '../views/tasks';
import { clearButtons, type HelpParts } from './parts';

/** The task's buttons: claim in the group, the claimer's in private, staff's on an escalated task, the rating, hours. */

type TaskAct = (ctx: PressContext, task: Task, p: HelpParts) => Promise<unknown>;

/** Claim, in the group: the first press wins; the others hear who was first. */
function onClaim(composer: Composer<BotContext>, p: HelpParts) {
  const { deps, s } = p;
  onButton(composer, {
    codec: claimButton,
    load: (b) => findTask(deps.db, b.task),
    may: (ctx, task) => isTeamMember(deps.db, ctx.from.id, task.community_id, task.team_id),
    notAllowed: 'help.not_member',
    run: async (ctx, task) => {
      const userId = ctx.from.id;
      const claimed = await s.claims.claim(deps.clock.now(), task.id, userId);
      if (!claimed) return answerLostClaim(ctx, task.id, p);
      await ctx.answerCbQuery(ctx.t('help.claimed_you'));
      const request = (await findRequest(deps.db, claimed.request_id))!;
      // A card in a group speaks the group's language; a private offer (legal advice), the reader's.
      const L = await cardLocale(ctx, deps);
      const name = escapeHtml(await s.cards.volunteerLabel(deps.db, userId, claimed, L));
      await ctx
        .editMessageText(taskCardText(s.text, claimed, request, L, s.text.t(L, 'card_claimed_by', { name })), {
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [] },
        })
        .catch((err) => ctx.log.debug({ err }, 'card not edited'));
    },
  });
}

async function answerLostClaim(ctx: PressContext, taskId: number, { deps, s }: HelpParts) {
  const current = await findTask(deps.db, taskId);
  // A card whose task was done, cancelled or handed to staff since: say which, not "already taken".
  if (current && ['done', 'cancelled', 'escalated'].includes(current.status)) return answerStale(ctx, current);
  if (current?.claimed_by === ctx.from.id) return ctx.answerCbQuery(ctx.t('help.claimed_already_you'));
  if (current?.claimed_by) {
    const name = await s.cards.volunteerLabel(deps.db, current.claimed_by, current, ctx.locale);
    return ctx.answerCbQuery(ctx.t('help.claimed_already', { name }), { show_alert: true });
  }
  return ctx.answerCbQuery(ctx.t('help.task_not_open'));
}

/**
 * What became of a task whose button no longer fits (released, taken by someone else, done,
 * cancelled, with staff), as an alert: a bare "no longer in that state" toast was easy to miss.
 */
function staleText(ctx: PressContext, task: Task): string {
  const key =
    task.status === 'open' || task.status === 'released'
      ? 'task_stale_open'
      : task.status === 'claimed' || task.status === 'started'
        ? task.claimed_by === ctx.from.id
          ? 'task_stale_yours'
          : 'task_stale_claimed'
        : `task_stale_${task.status}`;
  return ctx.t(`shifts.${key}`, { id: task.id });
}

const answerStale = (ctx: PressContext, task: Task) => ctx.answerCbQuery(staleText(ctx, task), { show_alert: true });

/** The task as it is now (the press's copy is from before the attempt that failed). */
const notOpen = async (ctx: PressContext, task: Task, { deps }: HelpParts) => answerStale(ctx, (await findTask(deps.db, task.id)) ?? task);

const startTask: TaskAct = async (ctx, task, p) => {
  const { deps, s } = p;
  if (task.status === 'started') return ctx.answerCbQuery(ctx.t('help.already_started', { id: task.id }));
  if (!(await s.claims.start(deps.clock.now(), task, ctx.from.id))) return notOpen(ctx, task, p);
  await ctx.answerCbQuery(ctx.t('help.started'));
  const after = (await findTask(deps.db, task.id))!;
  await ctx.editMessageReplyMarkup({ inline_keyboard: claimerKeyboard(s.text, after, ctx.locale) }).catch(() => undefined);
  return ctx.reply(ctx.t('help.started_hint', { id: task.id }));
};

const finishTask: TaskAct = async (ctx, task, p) => {
  const { bot, flows } = p;
  if (!allowedActions(task.status, 'claimer').includes('done')) return notOpen(ctx, task, p);
  // The engine answers the press, and a second tap "already done" without asking again.
  if (await bot.flows.start(ctx, flows.done, { taskId: task.id })) await clearButtons(ctx);
};

const giveBack: TaskAct = async (ctx, task, p) => {
  const { deps, s } = p;
  if (task.claimed_by !== ctx.from.id) return ctx.answerCbQuery(ctx.t('help.already_released', { id: task.id }));
  if (!(await s.claims.release(deps.clock.now(), task, ctx.from.id))) return notOpen(ctx, task, p);
  await ctx.answerCbQuery();
  await clearButtons(ctx);
  return ctx.reply(ctx.t('help.released_you', { id: task.id }));
};

const cannotReach: TaskAct = async (ctx, task, p) => {
  const { deps, s } = p;
  if (task.status !== 'claimed' && task.status !== 'started') return notOpen(ctx, task, p);
  await s.staffTasks.tellUnreachable(deps.clock.now(), task, ctx.from.first_name);
  await ctx.answerCbQuery();
  return ctx.reply(ctx.t('help.unreachable_sent'));
};

const stillOnIt: TaskAct = async (ctx, task, p) => {
  const { deps, s } = p;
  if (!(await s.claims.answerCheckin(deps.clock.now(), task, ctx.from.id))) return notOpen(ctx, task, p);
  await ctx.answerCbQuery(ctx.t('help.checkin_thanks'));
  return ctx.editMessageReplyMarkup({ inline_keyboard: claimerKeyboard(s.text, task, ctx.locale) }).catch(() => undefined);
};

const CLAIMER_ACTS = { s: startTask, d: finishTask, r: giveBack, u: cannotReach, k: stillOnIt } as const;

/** The claimer's buttons, in private. */
function onClaimerButton(composer: Composer<BotContext>, p: HelpParts) {
  onButton(composer, {
    codec: taskButton,
    load: (b) => findTask(p.deps.db, b.task),
    // Whoever released it a moment ago may still press Release again (a double tap): giveBack says so.
    // Anyone else is told what became of the task (released, with someone else, done, cancelled).
    refuse: async (ctx, task, b) =>
      task.claimed_by === ctx.from.id || (b.act === 'r' && (await lastReleasedBy(p.deps.db, task.id)) === ctx.from.id)
        ? undefined
        : { text: staleText(ctx, task) },
    run: (ctx, task, b) => CLAIMER_ACTS[b.act](ctx, task, p),
  });
}

/** Staff on an escalated task: post it again, or cancel it. */
function onStaffTaskButton(composer: Composer<BotContext>, p: HelpParts) {
  const { deps, s } = p;
  onButton(composer, {
    codec: staffTaskButton,
    load: (b) => findTask(deps.db, b.task),
    may: (ctx, task) => canStaff(ctx.role, ctx.profile, task.community_id),
    run: async (ctx, task, b) => {
      const now = deps.clock.now();
      const ok =
        b.act === 'p' ? await s.staffTasks.repost(now, task, ctx.from.id) : await s.staffTasks.cancelByStaff(now, task, ctx.from.id);
      if (!ok) return notOpen(ctx, task, p);
      await ctx.answerCbQuery(ctx.t('help.done_ok'));
      return clearButtons(ctx);
    },
  });
}

/** The rating, from the person helped; then an optional comment. */
function onRateButton(composer: Composer<BotContext>, { deps, s, bot, flows }: HelpParts) {
  onButton(composer, {
    codec: rateButton,
    run: async (ctx, _none, b) => {
      const rated = await s.feedback.rate(deps.clock.now(), b.task, ctx.from.id, b.score);
      if (!rated) return ctx.answerCbQuery(ctx.t('help.rate_not_possible'));
      await ctx.answerCbQuery(`${b.score}⭐`);
      await clearButtons(ctx);
      // Staff pressed the answer of the person they filed for: say whose answer was recorded.
      const person = rated.onBehalfOf ?? undefined;
      if (person !== undefined)
        await ctx.reply(ctx.t('help.rated_on_behalf', { score: b.score, name: escapeHtml(person) }), { parse_mode: 'HTML' });
      return bot.flows.start(ctx, flows.rateComment, { taskId: b.task, onBehalfOf: person });
    },
  });
}

/** A large hours correction, decided by the lead (or staff), never by the volunteer themselves. */
function onHoursButton(composer: Composer<BotContext>, { deps, s }: HelpParts) {
  const { db } = deps;
  onButton(composer, {
    codec: hoursButton,
    load: async (b) => {
      const hours = await db.selectFrom('hours').selectAll().where('id', '=', b.hours).executeTakeFirst();
      const task = hours?.task_id ? await findTask(db, hours.task_id) : undefined;
      return hours && task ? { hours, task } : undefined;
    },
    may: async (ctx, { hours, task }) =>
      ((await isTeamLead(db, ctx.from.id, task.community_id, task.team_id)) || canStaff(ctx.role, ctx.profile, task.community_id)) &&
      hours.volunteer_id !== ctx.from.id,
    run: async (ctx, { hours, task }, b) => {
      if (!(await s.feedback.decideCorrection(deps.clock.now(), hours, task, b.yes === 1)))
        return ctx.answerCbQuery(ctx.t('help.already_decided'));
      await ctx.answerCbQuery(ctx.t('help.done_ok'));
      return clearButtons(ctx);
    },
  });
}

export function registerTaskButtons(composer: Composer<BotContext>, p: HelpParts): void {
  onClaim(composer, p);
  onClaimerButton(composer, p);
  onStaffTaskButton(composer, p);
  onRateButton(composer, p);
  onHoursButton(composer, p);
}
