import { Composer } from 'telegraf';
import { declineFlow } from '../../../flows/help-decline';
import { doneFlow } from '../../../flows/help-done';
import { noteFlow, rateCommentFlow } from '../../../flows/help-small';
import { requestFlow } from '../../../flows/request';
import { shiftFlow } from '../../../flows/shift';
import { volunteerFlow } from '../../../flows/volunteer';
import { teamChat } from '../../domain/chat-links';
import { allowedActions, cancelRequest, countedMinutes, findRequest, hoursOf, requestsOf, setRecurrence, tasksOf } from '../../domain/help';
import { formatMinutes, monthKey, nextOccurrence } from '../../domain/help-time';
import { canStaff } from '../../domain/roles';
import { shiftsOf } from '../../domain/shifts';
import { decideMember, findMember, isTeamLead, teamsOf } from '../../domain/volunteers';
import { escapeHtml } from '../../i18n';
import { idField } from '../callback';
import type { BotContext } from '../context';
import type { Feature } from '../feature';
import { approvals, registerApprovalHandlers } from './help-approval';
import { helpKit, memberButton, myRequestButton } from './help-kit';
import { registerShiftHandlers } from './help-shifts';
import { taskParts } from './help-tasks';
import { helpPrivacy } from './help-privacy';

/** Help requests, volunteer teams, tasks, hours and patrol shifts. */
export const helpFeature: Feature = (deps, services) => {
  const { db, clock } = deps;
  const kit = helpKit(deps);
  const composer = new Composer<BotContext>();
  const data = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
  const approval = approvals(deps, kit);
  const jobs = [
    ...taskParts(deps, kit, services, composer),
    registerApprovalHandlers(deps, kit, approval, services, composer),
    registerShiftHandlers(deps, kit, composer),
  ];

  // --- Volunteer sign-up decisions (lead in private, or staff in the committee group) ---------
  composer.action(memberButton.pattern, async (ctx) => {
    const p = memberButton.unpack(data(ctx));
    const id = idField(p?.member);
    const m = id ? await findMember(db, id) : undefined;
    if (!m || !p) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const mayDecide = (await isTeamLead(db, ctx.from.id, m.community_id, m.team_id)) || canStaff(ctx.role, ctx.profile, m.community_id);
    if (!mayDecide) return ctx.answerCbQuery(ctx.t('common.not_allowed'), { show_alert: true });
    const approve = p.yes === '1';
    const now = clock.now();
    const decided = await decideMember(db, now, m.id, approve, ctx.from.id, async () => undefined);
    if (!decided) return ctx.answerCbQuery(ctx.t('help.already_decided'));
    await ctx.answerCbQuery(ctx.t('help.done_ok'));
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    if (decided.user_id === null) return;
    const volunteerId = decided.user_id;
    // The invite link is made after the decision, so a lost race never makes a stray link.
    let link: string | undefined;
    const chatId = approve ? await teamChat(db, m.community_id, m.team_id) : undefined;
    if (chatId !== undefined) {
      try {
        link = (
          (await deps.api('createChatInviteLink', { chat_id: chatId, member_limit: 1, name: `volunteer ${volunteerId}`.slice(0, 32) })) as {
            invite_link: string;
          }
        ).invite_link;
      } catch (err) {
        ctx.log.warn({ err, chatId }, 'could not create a team invite link');
      }
    }
    await db.transaction().execute(async (tx) => {
      const team = (l: Parameters<typeof kit.teamName>[2]) => escapeHtml(kit.teamName(m.community_id, m.team_id, l));
      if (!approve) return kit.notifyUserL(tx, now, volunteerId, 'signup_declined', (l) => ({ team: team(l) }));
      await kit.notifyUserL(tx, now, volunteerId, link ? 'signup_approved' : 'signup_approved_no_link', (l) => ({
        team: team(l),
        link: escapeHtml(link ?? ''),
      }));
    });
    deps.sender.poke();
    if (approve) await services.refreshCommands(volunteerId);
  });

  // --- /myrequests -------------------------------------------------------------------------------
  const myRequests = async (ctx: BotContext) => {
    const rows = await requestsOf(db, ctx.from!.id);
    if (rows.length === 0) return ctx.reply(ctx.t('help.myrequests_none'));
    for (const r of rows) {
      const status = r.status === 'active' ? (r.task?.status ?? 'open') : r.status;
      const text = [
        ctx.t('help.myrequest_line', {
          id: r.id,
          type: escapeHtml(kit.typeName(r.type, ctx.locale)),
          status: ctx.t(`help.status_${status}`),
        }),
        ctx.t('help.card_when', {
          when: escapeHtml(kit.when(r.task?.window_start ?? r.window_start, r.task?.window_end ?? r.window_end, ctx.locale)),
        }),
        ...(r.status === 'declined' ? [ctx.t('help.myrequest_reason', { reason: approval.reasonText(r.decline_reason, ctx.locale) })] : []),
      ].join('\n');
      const buttons = [];
      const open = r.status === 'pending' || r.status === 'active';
      if (open) buttons.push({ text: ctx.t('help.button_note'), callback_data: myRequestButton.pack({ request: r.id, act: 'n' }) });
      // Cancelling is possible while it waits for approval, or for a volunteer.
      if (r.status === 'pending' || (r.status === 'active' && r.task && allowedActions(r.task.status, 'requester').includes('cancel'))) {
        buttons.push({ text: ctx.t('help.button_cancel_request'), callback_data: myRequestButton.pack({ request: r.id, act: 'c' }) });
      }
      await ctx.reply(text, { parse_mode: 'HTML', reply_markup: buttons.length ? { inline_keyboard: [buttons] } : undefined });
    }
  };

  composer.action(myRequestButton.pattern, async (ctx) => {
    const p = myRequestButton.unpack(data(ctx));
    const id = idField(p?.request);
    const request = id ? await findRequest(db, id) : undefined;
    if (!request || !p || request.requester_id !== ctx.from.id || (request.status !== 'active' && request.status !== 'pending'))
      return ctx.answerCbQuery(ctx.t('common.stale_button'));
    if (p.act === 'n') {
      await ctx.answerCbQuery();
      return services.flows.start(ctx, 'hnote', { request: String(request.id) });
    }
    if (p.act !== 'c') return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const now = clock.now();
    if (!(await cancelRequest(db, now, request.id, ctx.from.id, 'requester')))
      return ctx.answerCbQuery(ctx.t('help.cancel_too_late'), { show_alert: true });
    // The card in the group stops offering Claim, and staff's approval card stops asking.
    const task = await db.selectFrom('tasks').selectAll().where('request_id', '=', request.id).orderBy('id', 'desc').executeTakeFirst();
    await db.transaction().execute(async (tx) => {
      if (task) await kit.editCard(tx, now, task, request, 'card_cancelled');
      await approval.settle(tx, now, (await findRequest(tx, request.id))!, (l) => kit.t(l, 'approval_cancelled'));
    });
    deps.sender.poke();
    await ctx.answerCbQuery(ctx.t('help.done_ok'));
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    return ctx.reply(ctx.t('help.request_cancelled', { id: request.id }));
  });

  // --- /tasks and /hours ---------------------------------------------------------------------------
  const myTasks = async (ctx: BotContext) => {
    const tasks = await tasksOf(db, ctx.from!.id);
    const shifts = await shiftsOf(db, ctx.from!.id, clock.now());
    if (tasks.length === 0 && shifts.length === 0) return ctx.reply(ctx.t('help.tasks_none'));
    for (const task of tasks) {
      const request = (await findRequest(db, task.request_id))!;
      await ctx.reply(`${ctx.t(`help.status_${task.status}`)}\n${await kit.detailsText(db, task, request, ctx.locale)}`, {
        parse_mode: 'HTML',
        reply_markup: { inline_keyboard: kit.claimerKeyboard(task, ctx.locale) },
      });
    }
    if (shifts.length > 0) {
      const lines = shifts.map((s) =>
        ctx.t('help.shift_line', { id: s.id, zone: escapeHtml(s.zone), when: escapeHtml(kit.when(s.starts_at, s.ends_at, ctx.locale)) }),
      );
      await ctx.reply([ctx.t('help.shifts_title'), ...lines].join('\n'), { parse_mode: 'HTML' });
    }
  };

  const myHours = async (ctx: BotContext) => {
    const rows = await hoursOf(db, ctx.from!.id);
    if (rows.length === 0) return ctx.reply(ctx.t('help.hours_none'));
    const months = new Map<string, { minutes: number; tasks: number; pending: number }>();
    for (const h of rows) {
      const key = monthKey(h.at, kit.tz);
      const m = months.get(key) ?? { minutes: 0, tasks: 0, pending: 0 };
      m.minutes += countedMinutes(h);
      m.tasks += 1;
      m.pending += h.approved ? 0 : 1;
      months.set(key, m);
    }
    const total = [...months.values()].reduce((s, m) => s + m.minutes, 0);
    const lines = [...months].map(([month, m]) =>
      ctx.t(m.pending ? 'help.hours_month_pending' : 'help.hours_month', {
        month,
        hours: formatMinutes(m.minutes, ctx.locale),
        tasks: m.tasks,
        pending: m.pending,
      }),
    );
    return ctx.reply(
      [ctx.t('help.hours_title'), ...lines, '', ctx.t('help.hours_total', { hours: formatMinutes(total, ctx.locale) })].join('\n'),
    );
  };

  /** /recur <request> week|month|off: staff make a request repeat (meal delivery, a paired household's visit). */
  const recur = async (ctx: BotContext) => {
    const [idText, every] = (ctx.message && 'text' in ctx.message ? ctx.message.text : '').split(/\s+/).slice(1);
    const id = idField(idText);
    const request = id ? await findRequest(db, id) : undefined;
    if (!request || !['week', 'month', 'off'].includes(every ?? '')) return ctx.reply(ctx.t('help.recur_usage'));
    if (!canStaff(ctx.role, ctx.profile, request.community_id)) return ctx.reply(ctx.t('common.not_allowed'));
    const now = clock.now();
    const latest = await db
      .selectFrom('tasks')
      .select(['window_start', 'created_at'])
      .where('request_id', '=', request.id)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const base = latest?.window_start ?? latest?.created_at ?? now;
    let next = base;
    while (next <= now && every !== 'off') next = nextOccurrence(next, every as 'week' | 'month', kit.tz);
    if (!(await setRecurrence(db, now, request.id, every as 'week' | 'month' | 'off', ctx.from!.id, next)))
      return ctx.reply(ctx.t('help.recur_not_possible', { id: request.id }));
    if (every === 'off') return ctx.reply(ctx.t('help.recur_off', { id: request.id }));
    return ctx.reply(ctx.t(`help.recur_set_${every}`, { id: request.id, when: kit.when(next, null, ctx.locale) }));
  };

  const myTeamsStatus = async (ctx: BotContext) => {
    const teams = await teamsOf(db, ctx.from!.id);
    const approved = teams.filter((t) => t.status === 'approved');
    if (approved.length > 0)
      await ctx.reply(
        ctx.t('help.volunteer_already', {
          teams: escapeHtml(approved.map((t) => kit.teamName(t.community_id, t.team_id, ctx.locale)).join('、')),
        }),
        { parse_mode: 'HTML' },
      );
    return services.flows.start(ctx, 'hvol');
  };

  return {
    name: 'help',
    composer,
    flows: [
      requestFlow(deps, kit, approval),
      volunteerFlow(deps, kit),
      shiftFlow(deps, kit),
      doneFlow(deps, kit),
      noteFlow(deps, kit),
      rateCommentFlow(deps),
      declineFlow(deps, approval),
    ],
    jobs,
    privacy: helpPrivacy(deps, kit),
    commands: [
      {
        name: 'request',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_request',
        menuLabel: 'help.menu_request',
        run: (ctx) => services.flows.start(ctx, 'hreq'),
      },
      {
        name: 'myrequests',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_myrequests',
        menuLabel: 'help.menu_myrequests',
        run: myRequests,
      },
      {
        name: 'volunteer',
        minRole: 'resident',
        chat: 'private',
        description: 'help.cmd_volunteer',
        menuLabel: 'help.menu_volunteer',
        run: myTeamsStatus,
      },
      { name: 'tasks', minRole: 'volunteer', chat: 'private', description: 'help.cmd_tasks', menuLabel: 'help.menu_tasks', run: myTasks },
      { name: 'hours', minRole: 'volunteer', chat: 'private', description: 'help.cmd_hours', run: myHours },
      {
        name: 'requestfor',
        minRole: 'staff',
        chat: 'private',
        description: 'help.cmd_requestfor',
        run: (ctx) => services.flows.start(ctx, 'hreq', { staff: '1' }),
      },
      { name: 'recur', minRole: 'staff', chat: 'private', description: 'help.cmd_recur', run: recur },
      {
        name: 'shift',
        minRole: 'staff',
        chat: 'private',
        description: 'help.cmd_shift',
        run: (ctx) => services.flows.start(ctx, 'hshift'),
      },
    ],
  };
};
