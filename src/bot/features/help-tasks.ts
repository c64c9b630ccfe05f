import type { Composer } from 'telegraf';
import type { CoreDeps } from '../../deps';
import { enqueue, PRIORITY } from '../../delivery/outbox';
import {
  allowedActions,
  answerCheckin,
  cancelRequest,
  checkinsDue,
  claimTask,
  createOccurrence,
  decideHours,
  findRequest,
  findTask,
  markCheckinSent,
  moveTask,
  rateTask,
  recurrencesDue,
  releaseTask,
  unansweredCheckins,
  type Task,
} from '../../domain/help';
import { nextOccurrence } from '../../domain/help-time';
import { canStaff } from '../../domain/roles';
import { isTeamLead, isTeamMember } from '../../domain/volunteers';
import { escapeHtml, type Locale } from '../../i18n';
import type { Executor } from '../../store/db';
import { idField } from '../callback';
import type { BotContext } from '../context';
import type { JobSpec } from '../feature';
import type { BotServices } from '../services';
import { claimButton, hoursButton, rateButton, staffTaskButton, taskButton, type HelpKit } from './help-kit';

/** The task's life after the card: claim, start, done, release, check-ins, escalation, rating. */

const data = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
const DAY = 86_400_000;

export function taskParts(deps: CoreDeps, kit: HelpKit, services: BotServices, composer: Composer<BotContext>): JobSpec[] {
  const { db, clock, communities } = deps;
  const settings = communities.settings;
  const G = kit.groupLocale;

  /** After a release: the old card says so, and the task goes back to the group or, the second time, to staff. */
  const afterRelease = async (tx: Executor, now: number, task: Task, previousClaimer: number, auto: boolean) => {
    const request = (await findRequest(tx, task.request_id))!;
    await kit.editCard(tx, now, task, request, 'card_released');
    if (task.status === 'escalated') {
      const params = (l: Locale) => ({
        id: task.id,
        type: escapeHtml(kit.typeName(request.type, l)),
        building: escapeHtml(kit.buildingName(request.community_id, request.building_id, l)),
      });
      const keyboard = (l: Locale) => [
        [
          { text: kit.t(l, 'button_repost'), callback_data: staffTaskButton.pack({ task: task.id, act: 'p' }) },
          { text: kit.t(l, 'button_cancel_task'), callback_data: staffTaskButton.pack({ task: task.id, act: 'c' }) },
        ],
      ];
      await kit.toStaff(tx, now, task.community_id, (l) => ({ text: kit.t(l, 'escalated', params(l)), keyboard: keyboard(l) }));
    } else {
      await kit.postCard(tx, now, task, request, kit.t(G, 'card_reposted'));
    }
    if (auto) await kit.notifyUser(tx, now, previousClaimer, 'auto_released', { id: task.id });
  };

  // --- Claim, in the group -------------------------------------------------------------------
  composer.action(claimButton.pattern, async (ctx) => {
    const id = idField(claimButton.unpack(data(ctx))?.task);
    const task = id ? await findTask(db, id) : undefined;
    if (!task) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const userId = ctx.from.id;
    if (!(await isTeamMember(db, userId, task.community_id, task.team_id)))
      return ctx.answerCbQuery(ctx.t('help.not_member'), { show_alert: true });
    const now = clock.now();
    let claimed: Task | undefined;
    const won = await claimTask(db, now, task.id, userId, settings.claimCheckinHours, async (tx, t) => {
      claimed = t;
      const request = (await findRequest(tx, t.request_id))!;
      const locale = await kit.localeOf(tx, userId);
      await enqueue(tx, now, {
        chatId: userId,
        text: await kit.detailsText(tx, t, request, locale),
        keyboard: kit.claimerKeyboard(t, locale),
        priority: PRIORITY.personal,
        ref: `task:${t.id}:details`,
      });
    });
    if (!won || !claimed) {
      const current = await findTask(db, task.id);
      if (current?.claimed_by === userId) return ctx.answerCbQuery(ctx.t('help.claimed_already_you'));
      if (current?.claimed_by) {
        const name = await kit.volunteerLabel(db, current.claimed_by, current.community_id, current.team_id, ctx.locale);
        return ctx.answerCbQuery(ctx.t('help.claimed_already', { name }), { show_alert: true });
      }
      return ctx.answerCbQuery(ctx.t('help.task_not_open'));
    }
    deps.sender.poke();
    await ctx.answerCbQuery(ctx.t('help.claimed_you'));
    const request = (await findRequest(db, claimed.request_id))!;
    const name = escapeHtml(await kit.volunteerLabel(db, userId, claimed.community_id, claimed.team_id, G));
    await ctx
      .editMessageText(kit.cardText(claimed, request, G, kit.t(G, 'card_claimed_by', { name })), {
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: [] },
      })
      .catch((err) => ctx.log.debug({ err }, 'card not edited'));
  });

  // --- The claimer's buttons, in private -----------------------------------------------------
  composer.action(taskButton.pattern, async (ctx) => {
    const p = taskButton.unpack(data(ctx));
    const id = idField(p?.task);
    const task = id ? await findTask(db, id) : undefined;
    const userId = ctx.from.id;
    if (!task || !p) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    if (task.claimed_by !== userId) return ctx.answerCbQuery(ctx.t('help.task_not_yours'), { show_alert: true });
    const now = clock.now();
    const clearButtons = () => ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    switch (p.act) {
      case 's': {
        if (
          !(await db
            .transaction()
            .execute((tx) => moveTask(tx, now, task.id, 'start', userId, { claimedBy: userId, set: { started_at: now } })))
        )
          return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        await ctx.answerCbQuery(ctx.t('help.started'));
        const after = (await findTask(db, task.id))!;
        await ctx.editMessageReplyMarkup({ inline_keyboard: kit.claimerKeyboard(after, ctx.locale) }).catch(() => undefined);
        return ctx.reply(ctx.t('help.started_hint', { id: task.id }));
      }
      case 'd': {
        if (!allowedActions(task.status, 'claimer').includes('done')) return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        await ctx.answerCbQuery();
        await clearButtons();
        return services.flows.start(ctx, 'hdone', { task: String(task.id) });
      }
      case 'r': {
        const status = await releaseTask(db, now, task.id, { volunteerId: userId }, (tx, t, prev) => afterRelease(tx, now, t, prev, false));
        if (!status) return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        deps.sender.poke();
        await ctx.answerCbQuery();
        await clearButtons();
        return ctx.reply(ctx.t('help.released_you', { id: task.id }));
      }
      case 'u': {
        if (task.status !== 'claimed' && task.status !== 'started') return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        const request = (await findRequest(db, task.request_id))!;
        const volunteer = ctx.from.first_name;
        await db.transaction().execute(async (tx) => {
          const params = (l: Locale) => ({
            id: task.id,
            type: escapeHtml(kit.typeName(request.type, l)),
            building: escapeHtml(kit.buildingName(request.community_id, request.building_id, l)),
            name: escapeHtml(volunteer),
          });
          await kit.toStaff(tx, now, task.community_id, (l) => ({ text: kit.t(l, 'unreachable', params(l)) }));
        });
        deps.sender.poke();
        await ctx.answerCbQuery();
        return ctx.reply(ctx.t('help.unreachable_sent'));
      }
      case 'k': {
        if (!(await answerCheckin(db, now, task.id, userId))) return ctx.answerCbQuery(ctx.t('help.task_not_open'));
        await ctx.answerCbQuery(ctx.t('help.checkin_thanks'));
        return ctx.editMessageReplyMarkup({ inline_keyboard: kit.claimerKeyboard(task, ctx.locale) }).catch(() => undefined);
      }
      default:
        return ctx.answerCbQuery(ctx.t('common.stale_button'));
    }
  });

  // --- Staff on an escalated task -------------------------------------------------------------
  composer.action(staffTaskButton.pattern, async (ctx) => {
    const p = staffTaskButton.unpack(data(ctx));
    const id = idField(p?.task);
    const task = id ? await findTask(db, id) : undefined;
    if (!task || !p) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    if (!canStaff(ctx.role, ctx.profile, task.community_id)) return ctx.answerCbQuery(ctx.t('common.not_allowed'), { show_alert: true });
    const now = clock.now();
    let ok = false;
    if (p.act === 'p') {
      ok = await db.transaction().execute(async (tx) => {
        if (!(await moveTask(tx, now, task.id, 'repost', ctx.from.id))) return false;
        await kit.postCard(tx, now, (await findTask(tx, task.id))!, (await findRequest(tx, task.request_id))!, kit.t(G, 'card_reposted'));
        return true;
      });
    } else if (p.act === 'c') {
      ok = await cancelRequest(db, now, task.request_id, ctx.from.id, 'staff');
      if (ok) {
        const request = (await findRequest(db, task.request_id))!;
        if (request.requester_id !== null) {
          await db.transaction().execute((tx) =>
            kit.notifyUserL(tx, now, request.requester_id!, 'cancelled_by_staff', (l) => ({
              id: request.id,
              type: escapeHtml(kit.typeName(request.type, l)),
            })),
          );
        }
      }
    }
    if (!ok) return ctx.answerCbQuery(ctx.t('help.task_not_open'));
    deps.sender.poke();
    await ctx.answerCbQuery(ctx.t('help.done_ok'));
    return ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
  });

  // --- The rating, from the person helped --------------------------------------------------------
  composer.action(rateButton.pattern, async (ctx) => {
    const p = rateButton.unpack(data(ctx));
    const id = idField(p?.task);
    const score = Number(p?.score);
    if (!id || !Number.isInteger(score)) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const now = clock.now();
    if (!(await rateTask(db, now, id, ctx.from.id, score))) return ctx.answerCbQuery(ctx.t('help.rate_not_possible'));
    await ctx.answerCbQuery(`${score}⭐`);
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    if (score <= 2) {
      const task = (await findTask(db, id))!;
      const request = (await findRequest(db, task.request_id))!;
      await db.transaction().execute((tx) =>
        kit.notifyStaff(tx, now, task.community_id, 'low_rating', (l) => ({
          id: task.id,
          score,
          type: escapeHtml(kit.typeName(request.type, l)),
        })),
      );
      deps.sender.poke();
    }
    return services.flows.start(ctx, 'hrate', { task: String(id) });
  });

  // --- A large hours correction, decided by the lead (or staff) --------------------------------------
  composer.action(hoursButton.pattern, async (ctx) => {
    const p = hoursButton.unpack(data(ctx));
    const id = idField(p?.hours);
    const hours = id ? await db.selectFrom('hours').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    const task = hours?.task_id ? await findTask(db, hours.task_id) : undefined;
    if (!hours || !task || !p) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const mayDecide =
      (await isTeamLead(db, ctx.from.id, task.community_id, task.team_id)) || canStaff(ctx.role, ctx.profile, task.community_id);
    if (!mayDecide || hours.volunteer_id === ctx.from.id) return ctx.answerCbQuery(ctx.t('common.not_allowed'), { show_alert: true });
    const approve = p.yes === '1';
    const now = clock.now();
    const decided = await db.transaction().execute(async (tx) => {
      if (!(await decideHours(tx, hours.id, approve))) return false;
      if (hours.volunteer_id !== null)
        await kit.notifyUser(tx, now, hours.volunteer_id, approve ? 'hours_approved' : 'hours_declined', { id: task.id });
      return true;
    });
    if (!decided) return ctx.answerCbQuery(ctx.t('help.already_decided'));
    deps.sender.poke();
    await ctx.answerCbQuery(ctx.t('help.done_ok'));
    return ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
  });

  // --- Jobs ------------------------------------------------------------------------------------
  const checkins: JobSpec = {
    name: 'help.checkins',
    cron: '*/10 * * * *',
    async run(now) {
      for (const task of await checkinsDue(db, now)) {
        await db.transaction().execute(async (tx) => {
          if (!(await markCheckinSent(tx, now, task.id)) || task.claimed_by === null) return;
          await kit.notifyUser(tx, now, task.claimed_by, 'checkin', { id: task.id, hours: settings.claimReleaseHours }, (l) => [
            [
              { text: kit.t(l, 'button_still_on_it'), callback_data: taskButton.pack({ task: task.id, act: 'k' }) },
              { text: kit.t(l, 'button_release'), callback_data: taskButton.pack({ task: task.id, act: 'r' }) },
            ],
          ]);
        });
      }
      for (const task of await unansweredCheckins(db, now, settings.claimReleaseHours)) {
        await releaseTask(db, now, task.id, 'system', (tx, t, prev) => afterRelease(tx, now, t, prev, true));
      }
      deps.sender.poke();
    },
  };

  const recurring: JobSpec = {
    name: 'help.recurring',
    cron: '5 * * * *',
    async run(now) {
      // A day's notice: each occurrence's task appears a day before its window.
      for (const rec of await recurrencesDue(db, now, DAY)) {
        await createOccurrence(db, now, rec, nextOccurrence(rec.next_at, rec.every, kit.tz), (tx, task, request) =>
          kit.postCard(tx, now, task, request).then(() => undefined),
        );
      }
      deps.sender.poke();
    },
  };

  return [checkins, recurring];
}
