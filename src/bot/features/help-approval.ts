import type { Composer } from 'telegraf';
import { HOUR } from '../../clock';
import type { CoreDeps } from '../../deps';
import { enqueue, enqueueCall, PRIORITY, type InlineKeyboard } from '../../delivery/outbox';
import { findRequest, type HelpRequest } from '../../domain/help';
import {
  approvalsOverdue,
  approveRequest,
  DECLINE_REASONS,
  declineRequest,
  isPresetReason,
  markApprovalReminded,
  type Refusal,
} from '../../domain/help-approval';
import { canStaff } from '../../domain/roles';
import { escapeHtml, type Locale } from '../../i18n';
import type { Executor } from '../../store/db';
import { idField } from '../callback';
import type { BotContext } from '../context';
import type { JobSpec } from '../feature';
import type { BotServices } from '../services';
import { approvalButton, declineButton, type HelpKit } from './help-kit';

/**
 * Staff approve a resident's request before it reaches a team group. The approval card goes
 * where other things needing staff go (the committee group, else each staff member privately);
 * the group's copy shows what the team card shows plus what is asked, never the person's name,
 * phone or unit, which a private copy (the Details button) does show. Whoever decides first
 * wins; every other copy of the card is then brought up to date.
 */

/** Outbox refs: every copy of a request's approval card, and the edits that settle them. */
export const approvalRef = (requestId: number) => `help:${requestId}:approval`;
export const approvalEditRef = (requestId: number) => `help:${requestId}:approval:edit`;

type Staff = { id: number; name: string };
type Pressed = { chatId: number; messageId: number };
type Outcome = { ok: true; request: HelpRequest } | Refusal;

export type Approvals = ReturnType<typeof approvals>;

export function approvals(deps: CoreDeps, kit: HelpKit) {
  const { db } = deps;

  const nameOf = async (tx: Executor, userId: number | null) =>
    userId === null
      ? '—'
      : ((await tx.selectFrom('users').select('first_name').where('id', '=', userId).executeTakeFirst())?.first_name ?? '—');

  const reasonText = (reason: string | null, locale: Locale) =>
    isPresetReason(reason) ? kit.t(locale, `decline_reason_${reason}`) : escapeHtml(reason ?? '');
  const teamOf = (request: HelpRequest, locale: Locale) => escapeHtml(kit.teamName(request.community_id, request.team_id, locale));

  /** The card staff decide on; `status` ends it (the question while pending, the outcome after). */
  const cardText = async (tx: Executor, request: HelpRequest, locale: Locale, inGroup: boolean, status: string) => {
    const lines = [
      kit.t(locale, 'approval_title', { id: request.id, type: escapeHtml(kit.typeName(request.type, locale)) }),
      kit.t(locale, 'card_building', { building: escapeHtml(kit.buildingName(request.community_id, request.building_id, locale)) }),
      kit.t(locale, 'card_when', { when: escapeHtml(kit.when(request.window_start, request.window_end, locale)) }),
      kit.t(locale, request.urgent ? 'card_urgent' : 'card_normal'),
      kit.t(locale, 'details_what', { details: escapeHtml(request.details) }),
      ...(request.notes ? [kit.t(locale, 'details_notes', { notes: escapeHtml(request.notes) })] : []),
    ];
    if (inGroup) {
      if (request.on_behalf_name) lines.push(kit.t(locale, 'approval_on_behalf'));
    } else {
      const requester =
        request.requester_id !== null
          ? await tx.selectFrom('users').select('first_name').where('id', '=', request.requester_id).executeTakeFirst()
          : undefined;
      const place = [kit.buildingName(request.community_id, request.building_id, locale), request.unit, request.address]
        .filter(Boolean)
        .join(' · ');
      lines.push(
        kit.t(locale, 'details_where', { place: escapeHtml(place) }),
        kit.t(locale, 'details_contact', {
          name: escapeHtml(request.on_behalf_name ?? requester?.first_name ?? '—'),
          phone: escapeHtml(request.on_behalf_phone ?? request.phone ?? '—'),
        }),
      );
    }
    return [...lines, '', status].join('\n');
  };

  const question = (request: HelpRequest, locale: Locale) => kit.t(locale, 'approval_question', { team: teamOf(request, locale) });

  const pendingKeyboard = (request: HelpRequest, locale: Locale, inGroup: boolean): InlineKeyboard => [
    [
      { text: kit.t(locale, 'approve'), callback_data: approvalButton.pack({ request: request.id, act: 'y' }) },
      { text: kit.t(locale, 'decline'), callback_data: approvalButton.pack({ request: request.id, act: 'n' }) },
    ],
    ...(inGroup
      ? [[{ text: kit.t(locale, 'approval_details_button'), callback_data: approvalButton.pack({ request: request.id, act: 'i' }) }]]
      : []),
  ];

  const reasonsKeyboard = (request: HelpRequest, locale: Locale): InlineKeyboard => [
    ...DECLINE_REASONS.map((reason) => [
      { text: kit.t(locale, `decline_label_${reason}`), callback_data: declineButton.pack({ request: request.id, reason }) },
    ]),
    [{ text: kit.t(locale, 'decline_write'), callback_data: declineButton.pack({ request: request.id, reason: 'w' }) }],
    [{ text: deps.i18n.t(locale, 'common.back'), callback_data: approvalButton.pack({ request: request.id, act: 'b' }) }],
  ];

  /** Posts the approval card for staff; a reminder says how long it has waited. */
  const post = (tx: Executor, now: number, request: HelpRequest, waitedHours?: number) =>
    kit.toStaff(
      tx,
      now,
      request.community_id,
      async (locale, inGroup) => ({
        text:
          (waitedHours ? `${kit.t(locale, 'approval_reminder', { hours: waitedHours })}\n\n` : '') +
          (await cardText(tx, request, locale, inGroup, question(request, locale))),
        keyboard: pendingKeyboard(request, locale, inGroup),
      }),
      approvalRef(request.id),
    );

  /** One copy for one staff member's private chat, with the person's details. */
  const postPrivately = async (tx: Executor, now: number, request: HelpRequest, staffId: number) => {
    const locale = await kit.localeOf(tx, staffId);
    await enqueue(tx, now, {
      chatId: staffId,
      text: await cardText(tx, request, locale, false, question(request, locale)),
      keyboard: pendingKeyboard(request, locale, false),
      priority: PRIORITY.personal,
      ref: approvalRef(request.id),
    });
  };

  /**
   * Once decided (or cancelled), every copy of the card says so and loses its buttons: copies not
   * sent yet are dropped, sent ones are edited, except the one pressed (edited in place).
   */
  const settle = async (tx: Executor, now: number, request: HelpRequest, status: (locale: Locale) => string, pressed?: Pressed) => {
    await tx
      .updateTable('outbox')
      .set({ status: 'cancelled' })
      .where('ref', '=', approvalRef(request.id))
      .where('status', '=', 'pending')
      .execute();
    const copies = await tx
      .selectFrom('outbox')
      .select(['chat_id', 'message_id'])
      .where('ref', '=', approvalRef(request.id))
      .where('status', '=', 'sent')
      .execute();
    for (const copy of copies) {
      if (copy.message_id === null || (pressed && copy.chat_id === pressed.chatId && copy.message_id === pressed.messageId)) continue;
      const inGroup = copy.chat_id < 0;
      const locale = inGroup ? kit.groupLocale : await kit.localeOf(tx, copy.chat_id);
      await enqueueCall(tx, now, {
        chatId: copy.chat_id,
        method: 'editMessageText',
        payload: {
          message_id: copy.message_id,
          text: await cardText(tx, request, locale, inGroup, status(locale)),
          parse_mode: 'HTML',
          reply_markup: { inline_keyboard: [] },
        },
        priority: inGroup ? PRIORITY.group : PRIORITY.personal,
        ref: approvalEditRef(request.id),
      });
    }
  };

  /** What the loser of a race (or a late press) is told: who handled it first, and how. */
  const refusalText = async (request: HelpRequest | undefined, locale: Locale) => {
    if (!request) return deps.i18n.t(locale, 'common.stale_button');
    if (request.status === 'cancelled') return kit.t(locale, 'approval_already_cancelled');
    const name = await nameOf(db, request.decided_by);
    return kit.t(locale, request.status === 'declined' ? 'approval_already_declined' : 'approval_already_approved', { name });
  };

  const approvedLine = (request: HelpRequest, staff: Staff) => (l: Locale) =>
    kit.t(l, 'approval_approved_by', { name: escapeHtml(staff.name), team: teamOf(request, l) });
  const declinedLine = (request: HelpRequest, staff: Staff) => (l: Locale) =>
    kit.t(l, 'approval_declined_by', { name: escapeHtml(staff.name), reason: reasonText(request.decline_reason, l) });

  /** Approve: the team card (exactly as a staff-filed request gets it), the requester told, the cards settled. */
  const approve = async (now: number, requestId: number, staff: Staff, pressed?: Pressed): Promise<Outcome> => {
    const result = await approveRequest(db, now, requestId, staff.id, async (tx, task, request) => {
      await kit.postOrTellStaff(tx, now, task, request);
      if (request.requester_id !== null && request.requester_id !== staff.id) {
        const requester = request.requester_id;
        await kit.notifyUserL(tx, now, requester, 'request_approved', (l) => ({
          id: request.id,
          type: escapeHtml(kit.typeName(request.type, l)),
          team: teamOf(request, l),
        }));
      }
      await settle(tx, now, request, approvedLine(request, staff), pressed);
    });
    deps.sender.poke();
    return result;
  };

  /** Decline with a preset reason's code or staff's words: the requester told kindly, the cards settled. */
  const decline = async (now: number, requestId: number, staff: Staff, reason: string, pressed?: Pressed): Promise<Outcome> => {
    const result = await declineRequest(db, now, requestId, staff.id, reason, async (tx, request) => {
      if (request.requester_id !== null && request.requester_id !== staff.id) {
        await kit.notifyUserL(tx, now, request.requester_id, 'request_declined', (l) => ({
          id: request.id,
          type: escapeHtml(kit.typeName(request.type, l)),
          reason: reasonText(reason, l),
        }));
      }
      await settle(tx, now, request, declinedLine(request, staff), pressed);
    });
    deps.sender.poke();
    return result;
  };

  return {
    cardText,
    question,
    pendingKeyboard,
    reasonsKeyboard,
    post,
    postPrivately,
    settle,
    refusalText,
    approvedLine,
    declinedLine,
    approve,
    decline,
    reasonText,
  };
}

/** The buttons on approval cards, and the reminder job for requests left waiting. */
export function registerApprovalHandlers(
  deps: CoreDeps,
  kit: HelpKit,
  a: Approvals,
  services: BotServices,
  composer: Composer<BotContext>,
): JobSpec {
  const { db, clock } = deps;
  const data = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
  const inGroup = (ctx: BotContext) => ctx.chat?.type !== 'private';
  /** Cards in groups speak the community's default language; in private, the reader's. */
  const cardLocale = (ctx: BotContext) => (inGroup(ctx) ? kit.groupLocale : ctx.locale);
  const pressedOf = (ctx: BotContext): Pressed | undefined => {
    const m = ctx.callbackQuery?.message;
    return m ? { chatId: m.chat.id, messageId: m.message_id } : undefined;
  };
  const deciderOf = (ctx: BotContext): Staff => ({ id: ctx.from!.id, name: ctx.profile?.first_name ?? ctx.from!.first_name });

  /** The request a staff button names, if the presser is staff of its community and it still waits. */
  const pendingTarget = async (ctx: BotContext, id: number | undefined): Promise<HelpRequest | undefined> => {
    const request = id ? await findRequest(db, id) : undefined;
    if (!request) {
      await ctx.answerCbQuery(ctx.t('common.stale_button'));
      return undefined;
    }
    if (!canStaff(ctx.role, ctx.profile, request.community_id)) {
      await ctx.answerCbQuery(ctx.t('common.not_allowed'), { show_alert: true });
      return undefined;
    }
    if (request.status !== 'pending') {
      await ctx.answerCbQuery(await a.refusalText(request, ctx.locale), { show_alert: true });
      return undefined;
    }
    return request;
  };

  /** After a decision: the pressed card shows the outcome, or the loser hears who was first. */
  const answerOutcome = async (
    ctx: BotContext,
    outcome: Outcome,
    okText: string,
    line: (request: HelpRequest) => (l: Locale) => string,
  ) => {
    if (!outcome.ok) return ctx.answerCbQuery(await a.refusalText(outcome.request, ctx.locale), { show_alert: true });
    await ctx.answerCbQuery(okText);
    const locale = cardLocale(ctx);
    const text = await a.cardText(db, outcome.request, locale, inGroup(ctx), line(outcome.request)(locale));
    return ctx
      .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } })
      .catch((err) => ctx.log.debug({ err }, 'approval card not edited'));
  };

  composer.action(approvalButton.pattern, async (ctx) => {
    const p = approvalButton.unpack(data(ctx));
    const request = await pendingTarget(ctx, idField(p?.request));
    if (!request || !p) return;
    const locale = cardLocale(ctx);
    switch (p.act) {
      case 'y': {
        // A volunteer cannot help in the past: staff agree a new time with the resident first (or decline).
        if (request.window_end !== null && request.window_end <= clock.now())
          return ctx.answerCbQuery(ctx.t('help.approval_too_late'), { show_alert: true });
        const staff = deciderOf(ctx);
        const outcome = await a.approve(clock.now(), request.id, staff, pressedOf(ctx));
        return answerOutcome(
          ctx,
          outcome,
          ctx.t('help.approved_ok', { team: kit.teamName(request.community_id, request.team_id, ctx.locale) }),
          (r) => a.approvedLine(r, staff),
        );
      }
      case 'n':
        await ctx.answerCbQuery();
        return ctx.editMessageReplyMarkup({ inline_keyboard: a.reasonsKeyboard(request, locale) }).catch(() => undefined);
      case 'b':
        await ctx.answerCbQuery();
        return ctx.editMessageReplyMarkup({ inline_keyboard: a.pendingKeyboard(request, locale, inGroup(ctx)) }).catch(() => undefined);
      case 'i': {
        if (!inGroup(ctx)) return ctx.answerCbQuery();
        await db.transaction().execute((tx) => a.postPrivately(tx, clock.now(), request, ctx.from.id));
        deps.sender.poke();
        return ctx.answerCbQuery(ctx.t('help.approval_details_sent'), { show_alert: true });
      }
      default:
        return ctx.answerCbQuery(ctx.t('common.stale_button'));
    }
  });

  composer.action(declineButton.pattern, async (ctx) => {
    const p = declineButton.unpack(data(ctx));
    const request = await pendingTarget(ctx, idField(p?.request));
    if (!request || !p) return;
    if (p.reason === 'w') {
      if (!inGroup(ctx)) {
        await ctx.answerCbQuery();
        return services.flows.start(ctx, 'hdecl', { request: String(request.id) });
      }
      // Words are written in the private chat, not in the group.
      await enqueue(db, clock.now(), {
        chatId: ctx.from.id,
        text: ctx.t('help.decline_continue', { id: request.id }),
        keyboard: [[{ text: ctx.t('help.decline_write'), callback_data: declineButton.pack({ request: request.id, reason: 'w' }) }]],
        priority: PRIORITY.personal,
      });
      deps.sender.poke();
      return ctx.answerCbQuery(ctx.t('help.decline_continue_private'), { show_alert: true });
    }
    if (!isPresetReason(p.reason)) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const staff = deciderOf(ctx);
    const outcome = await a.decline(clock.now(), request.id, staff, p.reason, pressedOf(ctx));
    return answerOutcome(ctx, outcome, ctx.t('help.declined_ok'), (r) => a.declinedLine(r, staff));
  });

  return {
    name: 'help.approvals',
    cron: '*/10 * * * *',
    async run(now) {
      // Left waiting too long: a fresh card (the first may have scrolled away), once.
      for (const request of await approvalsOverdue(db, now)) {
        await db.transaction().execute(async (tx) => {
          if (await markApprovalReminded(tx, now, request.id))
            await a.post(tx, now, request, Math.max(1, Math.round((now - request.created_at) / HOUR)));
        });
      }
      deps.sender.poke();
    },
  };
}
