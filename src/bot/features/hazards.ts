import { Composer } from 'telegraf';
import { reportFlow, pageStaff } from '../../../flows/report';
import {
  assignButton,
  buttonLine,
  cardBackButton,
  cardRef,
  cardText,
  categoryName,
  enqueueCardEdit,
  fixedButton,
  formatTime,
  mineButton,
  moveReport,
  openCardButton,
  queueButton,
  ratingButton,
  refusalText,
  REJECT_REASONS,
  rejectButton,
  rejectText,
  reportLine,
  staffButton,
  staffKeyboard,
  placeText,
} from '../../../flows/report-card';
import { commentFlow, noteFlow } from '../../../flows/report-followup';
import { fixFlow, handUpFlow } from '../../../flows/report-staff';
import { localName } from '../../community/config';
import { committeeChat } from '../../domain/chat-links';
import {
  duePages,
  eraseReporter,
  findReport,
  historyOf,
  isFollower,
  markOverdue,
  overdueReports,
  publicId,
  QUEUE_PAGE,
  rateFix,
  reportQueue,
  reportsOf,
  similarReports,
  SYSTEM,
  takePage,
  unconfirmedFixes,
  type Actor,
  type QueueFilter,
  type Report,
} from '../../domain/hazards';
import { canMove, FINAL_STATUSES, isAction, STATUSES, TRANSITIONS, type Action, type ReportStatus } from '../../domain/hazard-status';
import { canStaff } from '../../domain/roles';
import { MINUTE } from '../../clock';
import { enqueue, PRIORITY, type InlineKeyboard } from '../../delivery/outbox';
import { escapeHtml, type Locale } from '../../i18n';
import { idField } from '../callback';
import type { BotContext } from '../context';
import type { Feature } from '../feature';

/** Hazard reports: /report, /myreports, /reports, the staff card's buttons and the SLA jobs. */
export const hazardsFeature: Feature = (deps, services) => {
  const { db, communities, clock, config, i18n } = deps;
  const composer = new Composer<BotContext>();

  const dataOf = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
  const actorOf = (ctx: BotContext): Actor => ({ id: ctx.from!.id, role: ctx.role, communityId: ctx.profile?.community_id ?? null });
  const isPrivate = (ctx: BotContext) => ctx.chat?.type === 'private';
  /** Cards in groups speak the community's default language; in private, the reader's. */
  const cardLocale = (ctx: BotContext): Locale => (isPrivate(ctx) ? ctx.locale : config.defaultLocale);

  /** Re-renders the pressed message as the report's card (text or photo caption). */
  const editPressed = async (ctx: BotContext, r: Report, keyboard?: InlineKeyboard) => {
    const locale = cardLocale(ctx);
    const text = await cardText(deps, db, r, locale);
    const markup = { inline_keyboard: keyboard ?? staffKeyboard(r, i18n.translator(locale)) };
    const msg = ctx.callbackQuery?.message;
    try {
      if (msg && 'photo' in msg) await ctx.editMessageCaption(text, { parse_mode: 'HTML', reply_markup: markup });
      else await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: markup, link_preview_options: { is_disabled: true } });
    } catch (err) {
      ctx.log.debug({ err }, 'could not edit the report card');
    }
  };

  /** Is the pressed message the committee group's card itself (so editing it in place is enough)? */
  const pressedCard = async (ctx: BotContext, reportId: number) => {
    const msg = ctx.callbackQuery?.message;
    if (!msg) return false;
    const card = await db
      .selectFrom('outbox')
      .select(['chat_id', 'message_id'])
      .where('ref', '=', cardRef(reportId))
      .where('status', '=', 'sent')
      .executeTakeFirst();
    return card?.chat_id === msg.chat.id && card?.message_id === msg.message_id;
  };

  /** Loads the report a staff button names and checks the presser may act on it now. */
  const staffTarget = async (ctx: BotContext, id: number | undefined, action: Action) => {
    const r = id ? await findReport(db, id) : undefined;
    if (!r) {
      await ctx.answerCbQuery(ctx.t('common.stale_button'));
      return undefined;
    }
    if (!canStaff(ctx.role, ctx.profile, r.community_id)) {
      await ctx.answerCbQuery(ctx.t('hazards.refused_not_allowed'), { show_alert: true });
      return undefined;
    }
    if (!canMove(action, r.status)) {
      await ctx.answerCbQuery(ctx.t('hazards.refused_status', { status: ctx.t(`hazards.status_${r.status}`) }), { show_alert: true });
      // Bring a stale private copy up to date so the wrong button disappears. The group card
      // itself is refreshed by whoever changed it (an outbox edit may be on its way).
      const msg = ctx.callbackQuery?.message;
      const shown = msg && 'reply_markup' in msg ? JSON.stringify(msg.reply_markup?.inline_keyboard ?? []) : '';
      const current = JSON.stringify(staffKeyboard(r, i18n.translator(cardLocale(ctx))));
      if (shown !== current && !(await pressedCard(ctx, r.id))) await editPressed(ctx, r);
      return undefined;
    }
    return r;
  };

  const applyStaffMove = async (ctx: BotContext, r: Report, action: Action, details: Parameters<typeof moveReport>[4] = {}) => {
    const inPlace = await pressedCard(ctx, r.id);
    const result = await moveReport(deps, r.id, action, actorOf(ctx), details, { cardEditedInPlace: inPlace });
    if (!result.ok) {
      await ctx.answerCbQuery(refusalText(ctx.t, result), { show_alert: true });
      return undefined;
    }
    await ctx.answerCbQuery(ctx.t(`hazards.done_${action}`, { id: publicId(r.id) }));
    await editPressed(ctx, result.report);
    return result.report;
  };

  composer.action(staffButton.pattern, async (ctx) => {
    const p = staffButton.unpack(dataOf(ctx));
    if (!p || !isAction(p.action) || TRANSITIONS[p.action].by !== 'staff') return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const action = p.action;
    const r = await staffTarget(ctx, idField(p.id), action);
    if (!r) return;
    if (action === 'assign') {
      await ctx.answerCbQuery();
      return editPressed(ctx, r, await assignKeyboard(ctx, r));
    }
    if (action === 'reject') {
      await ctx.answerCbQuery();
      return editPressed(ctx, r, await rejectKeyboard(ctx, r));
    }
    if (action === 'fix' || action === 'hand_up') {
      const flow = action === 'fix' ? 'rfx' : 'rup';
      if (isPrivate(ctx)) {
        await ctx.answerCbQuery();
        return services.flows.start(ctx, flow, { id: String(r.id) });
      }
      // Words and photos belong in the private chat, not in the group.
      await enqueue(db, clock.now(), {
        chatId: ctx.from.id,
        text: ctx.t('hazards.continue_here', { id: publicId(r.id), action: ctx.t(`hazards.act_${action}`) }),
        keyboard: [[{ text: ctx.t(`hazards.act_${action}`), callback_data: staffButton.pack({ action, id: r.id }) }]],
        priority: PRIORITY.personal,
      });
      deps.sender.poke();
      return ctx.answerCbQuery(ctx.t('hazards.continue_private'), { show_alert: true });
    }
    return applyStaffMove(ctx, r, action);
  });

  const assignKeyboard = async (ctx: BotContext, r: Report): Promise<InlineKeyboard> => {
    const locale = cardLocale(ctx);
    const t = i18n.translator(locale);
    const teams = communities.community(r.community_id)?.teams ?? [];
    const staff = await deps.users.staffOf(r.community_id);
    const rows: InlineKeyboard = [];
    for (const team of teams)
      rows.push([
        { text: `👥 ${localName(team.name, locale)}`, callback_data: assignButton.pack({ id: r.id, kind: 't', target: team.id }) },
      ]);
    for (const s of staff.slice(0, 8))
      rows.push([{ text: `👤 ${s.first_name}`, callback_data: assignButton.pack({ id: r.id, kind: 's', target: s.id }) }]);
    rows.push([{ text: t('common.back'), callback_data: cardBackButton.pack({ id: r.id }) }]);
    return rows;
  };

  const rejectKeyboard = async (ctx: BotContext, r: Report): Promise<InlineKeyboard> => {
    const t = i18n.translator(cardLocale(ctx));
    const similar = (
      await similarReports(db, clock.now(), communities.settings, {
        communityId: r.community_id,
        category: r.category,
        buildingId: r.building_id ?? undefined,
        location: r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : undefined,
      })
    ).filter((x) => x.id !== r.id);
    const rows: InlineKeyboard = similar.map((x) => [
      {
        text: t('hazards.reason_duplicate_of', { id: publicId(x.id) }),
        callback_data: rejectButton.pack({ id: r.id, reason: 'duplicate', dup: x.id }),
      },
    ]);
    for (const reason of REJECT_REASONS.filter((x) => x !== 'duplicate'))
      rows.push([{ text: t(`hazards.reason_${reason}`), callback_data: rejectButton.pack({ id: r.id, reason, dup: 0 }) }]);
    rows.push([{ text: t('common.back'), callback_data: cardBackButton.pack({ id: r.id }) }]);
    return rows;
  };

  composer.action(cardBackButton.pattern, async (ctx) => {
    const id = idField(cardBackButton.unpack(dataOf(ctx))?.id);
    const r = id ? await findReport(db, id) : undefined;
    if (!r) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    // The card with its staff buttons is for staff of this community only (a forged press would show it anywhere).
    if (!canStaff(ctx.role, ctx.profile, r.community_id))
      return ctx.answerCbQuery(ctx.t('hazards.refused_not_allowed'), { show_alert: true });
    await ctx.answerCbQuery();
    return editPressed(ctx, r);
  });

  composer.action(assignButton.pattern, async (ctx) => {
    const p = assignButton.unpack(dataOf(ctx));
    const r = await staffTarget(ctx, idField(p?.id), 'assign');
    if (!r || !p) return;
    let details: { ownerId?: number; teamId?: string; note: string } | undefined;
    if (p.kind === 't') {
      const team = communities.team(r.community_id, p.target);
      if (team) details = { teamId: team.id, note: localName(team.name, config.defaultLocale) };
    } else if (p.kind === 's') {
      const staff = (await deps.users.staffOf(r.community_id)).find((s) => s.id === idField(p.target));
      if (staff) details = { ownerId: staff.id, note: staff.first_name };
    }
    if (!details) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const moved = await applyStaffMove(ctx, r, 'assign', details);
    // The assignee hears it privately, with the card and its buttons.
    if (moved && details.ownerId && details.ownerId !== ctx.from.id) {
      const owner = await deps.users.find(details.ownerId);
      const locale = (owner?.locale as Locale) ?? config.defaultLocale;
      const t = i18n.translator(locale);
      await enqueue(db, clock.now(), {
        chatId: details.ownerId,
        text: `${t('hazards.assigned_to_you')}\n\n${await cardText(deps, db, moved, locale)}`,
        keyboard: staffKeyboard(moved, t),
        priority: PRIORITY.personal,
      });
      deps.sender.poke();
    }
  });

  composer.action(rejectButton.pattern, async (ctx) => {
    const p = rejectButton.unpack(dataOf(ctx));
    const r = await staffTarget(ctx, idField(p?.id), 'reject');
    if (!r || !p || !(REJECT_REASONS as readonly string[]).includes(p.reason)) return;
    let duplicateOf: number | undefined;
    if (p.reason === 'duplicate') {
      const other = await findReport(db, idField(p.dup) ?? 0);
      if (!other || other.id === r.id || other.community_id !== r.community_id) return ctx.answerCbQuery(ctx.t('common.stale_button'));
      duplicateOf = other.id;
    }
    const note = rejectText(i18n.translator(config.defaultLocale), { reject_reason: p.reason, duplicate_of: duplicateOf ?? null });
    return applyStaffMove(ctx, r, 'reject', { rejectReason: p.reason, duplicateOf, note });
  });

  // ---- residents: "Is it fixed?", the rating, /myreports ----

  composer.action(fixedButton.pattern, async (ctx) => {
    const p = fixedButton.unpack(dataOf(ctx));
    const id = idField(p?.id);
    const answer = p?.answer;
    if (!id || (answer !== 'yes' && answer !== 'partly' && answer !== 'no')) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    const result = await moveReport(deps, id, answer === 'yes' ? 'confirm' : 'reopen', actorOf(ctx), { fixAnswer: answer, note: answer });
    if (!result.ok)
      return ctx.answerCbQuery(result.reason === 'wrong_status' ? ctx.t('common.stale_button') : refusalText(ctx.t, result), {
        show_alert: true,
      });
    await ctx.answerCbQuery(ctx.t(`hazards.fixed_${answer}`));
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    const stars = [1, 2, 3, 4, 5].map((n) => ({ text: '★'.repeat(n), callback_data: ratingButton.pack({ id, stars: n }) }));
    const text = ctx.t(answer === 'yes' ? 'hazards.answer_yes' : 'hazards.answer_reopened', { id: publicId(id) });
    return ctx.reply(`${text}\n\n${ctx.t('hazards.ask_rating')}`, {
      reply_markup: { inline_keyboard: [stars.slice(0, 3), stars.slice(3)] },
    });
  });

  composer.action(ratingButton.pattern, async (ctx) => {
    const p = ratingButton.unpack(dataOf(ctx));
    const id = idField(p?.id);
    const stars = Number(p?.stars);
    const ok = id ? await db.transaction().execute((tx) => rateFix(tx, clock.now(), id, ctx.from.id, stars)) : false;
    if (!ok || !id) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    await ctx.answerCbQuery('★'.repeat(stars));
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    return services.flows.start(ctx, 'rcm', { id: String(id) });
  });

  const myReports = async (ctx: BotContext) => {
    const rows = await reportsOf(db, ctx.from!.id);
    if (rows.length === 0) return ctx.reply(ctx.t('hazards.mine_none'), { reply_markup: services.mainMenu(ctx) });
    const lines = rows.map(
      (r) => reportLine(deps, r, ctx.t, ctx.locale) + (r.follow_kind === 'supporter' ? ` · ${ctx.t('hazards.supporting')}` : ''),
    );
    const keyboard = rows.map((r) => [
      { text: buttonLine(deps, r, ctx.t, ctx.locale), callback_data: mineButton.pack({ op: 'o', id: r.id }) },
    ]);
    return ctx.reply(`${ctx.t('hazards.mine_title')}\n\n${lines.join('\n')}`, {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: keyboard },
    });
  };

  const reportDetail = async (ctx: BotContext, r: Report) => {
    const t = ctx.t;
    const events = await historyOf(db, r.id);
    const history = events
      .filter((e) => e.to_status || e.action === 'note' || e.action === 'photo')
      .map(
        (e) =>
          `• ${formatTime(e.at, config.timezone)} ${e.to_status ? t(`hazards.status_${e.to_status}`) : t(`hazards.event_${e.action}`)}${e.note && e.action !== 'fix' && e.to_status !== 'new' ? ` — ${escapeHtml(e.note.slice(0, 120))}` : ''}`,
      );
    const text = [
      `<b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, ctx.locale))}`,
      `${t('hazards.field_status')}: ${t(`hazards.status_${r.status}`)}`,
      `📍 ${placeText(deps, r, t, ctx.locale)}`,
      `📝 ${escapeHtml(r.description)}`,
      r.fix_note ? t('hazards.card_fix_note', { note: escapeHtml(r.fix_note) }) : '',
      r.status === 'rejected' ? t('hazards.card_rejected', { reason: rejectText(t, r) }) : '',
      '',
      t('hazards.history'),
      ...history,
    ].filter((l, i) => l !== '' || i === 6);
    const buttons: InlineKeyboard = [];
    if (!FINAL_STATUSES.includes(r.status))
      buttons.push([{ text: t('hazards.add_note'), callback_data: mineButton.pack({ op: 'n', id: r.id }) }]);
    if (r.reporter_id === ctx.from!.id && canMove('withdraw', r.status))
      buttons.push([{ text: t('hazards.withdraw'), callback_data: mineButton.pack({ op: 'w', id: r.id }) }]);
    const body = text.join('\n');
    return ctx.reply(body.length > 4000 ? body.slice(0, 4000) : body, { parse_mode: 'HTML', reply_markup: { inline_keyboard: buttons } });
  };

  composer.action(mineButton.pattern, async (ctx) => {
    const p = mineButton.unpack(dataOf(ctx));
    const id = idField(p?.id);
    const r = id ? await findReport(db, id) : undefined;
    if (!p || !r || !(await isFollower(db, r.id, ctx.from.id))) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    if (p.op === 'o') {
      await ctx.answerCbQuery();
      return reportDetail(ctx, r);
    }
    if (p.op === 'n') {
      if (FINAL_STATUSES.includes(r.status))
        return ctx.answerCbQuery(ctx.t('hazards.note_refused', { id: publicId(r.id) }), { show_alert: true });
      await ctx.answerCbQuery();
      return services.flows.start(ctx, 'rnt', { id: String(r.id) });
    }
    if (p.op === 'w') {
      const result = await moveReport(deps, r.id, 'withdraw', actorOf(ctx));
      if (!result.ok) return ctx.answerCbQuery(refusalText(ctx.t, result), { show_alert: true });
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      return ctx.reply(ctx.t('hazards.withdrawn', { id: publicId(r.id) }), { reply_markup: services.mainMenu(ctx) });
    }
    return ctx.answerCbQuery(ctx.t('common.stale_button'));
  });

  // ---- staff: the queue ----

  const STATUS_CYCLE: QueueFilter['status'][] = ['open', ...STATUSES, 'all'];
  const queueFilter = (ctx: BotContext, raw?: { status: string; cat: string; com: string; overdue: string }): QueueFilter => {
    const status = STATUS_CYCLE.includes(raw?.status as ReportStatus) ? (raw!.status as QueueFilter['status']) : 'open';
    const category = raw?.cat && communities.hazardCategory(raw.cat) ? raw.cat : undefined;
    // Staff see their own community; admins may choose.
    const communityId =
      ctx.role === 'admin' ? (raw?.com && communities.community(raw.com) ? raw.com : undefined) : (ctx.profile?.community_id ?? '-');
    return { status, category, communityId, overdue: raw?.overdue === '1' };
  };

  const renderQueue = async (ctx: BotContext, f: QueueFilter, page: number) => {
    const t = ctx.t;
    const { rows, total } = await reportQueue(db, clock.now(), communities.config.hazardCategories, f, page);
    const pages = Math.max(1, Math.ceil(total / QUEUE_PAGE));
    const pack = (patch: Partial<{ status: string; cat: string; com: string; overdue: string; page: number }>) =>
      queueButton.pack({
        status: f.status,
        cat: f.category ?? '',
        com: ctx.role === 'admin' ? (f.communityId ?? '') : '',
        overdue: f.overdue ? '1' : '0',
        page,
        ...patch,
      });
    const next = <T>(list: T[], current: T) => list[(list.indexOf(current) + 1) % list.length];
    const cats = ['', ...communities.config.hazardCategories.map((c) => c.id)];
    const coms = ['', ...communities.all.map((c) => c.id)];
    const keyboard: InlineKeyboard = [
      [
        {
          text: `${t('hazards.filter_status')}: ${f.status === 'open' || f.status === 'all' ? t(`hazards.filter_${f.status}`) : t(`hazards.status_${f.status}`)}`,
          callback_data: pack({ status: next(STATUS_CYCLE, f.status), page: 0 }),
        },
        {
          text: `${t('hazards.filter_category')}: ${f.category ? categoryName(deps, f.category, ctx.locale) : t('hazards.filter_all')}`,
          callback_data: pack({ cat: next(cats, f.category ?? ''), page: 0 }),
        },
      ],
      [
        {
          text: `${f.overdue ? '✅' : '⬜'} ${t('hazards.filter_overdue')}`,
          callback_data: pack({ overdue: f.overdue ? '0' : '1', page: 0 }),
        },
      ],
    ];
    if (ctx.role === 'admin') {
      const com = f.communityId ? communities.community(f.communityId) : undefined;
      keyboard[1].push({
        text: `${t('hazards.filter_community')}: ${com ? localName(com.name, ctx.locale) : t('hazards.filter_all')}`,
        callback_data: pack({ com: next(coms, f.communityId ?? ''), page: 0 }),
      });
    }
    for (const r of rows) keyboard.push([{ text: buttonLine(deps, r, t, ctx.locale), callback_data: openCardButton.pack({ id: r.id }) }]);
    const nav = [];
    if (page > 0) nav.push({ text: '◀️', callback_data: pack({ page: page - 1 }) });
    if (page + 1 < pages) nav.push({ text: '▶️', callback_data: pack({ page: page + 1 }) });
    if (nav.length) keyboard.push(nav);
    const text = `${t('hazards.queue_title', { total, page: page + 1, pages })}${rows.length === 0 ? `\n\n${t('hazards.queue_empty')}` : ''}`;
    return { text, keyboard };
  };

  const queue = async (ctx: BotContext) => {
    const { text, keyboard } = await renderQueue(ctx, queueFilter(ctx), 0);
    return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
  };

  composer.action(queueButton.pattern, async (ctx) => {
    const p = queueButton.unpack(dataOf(ctx));
    if (!p || (ctx.role !== 'admin' && ctx.role !== 'staff')) return ctx.answerCbQuery(ctx.t('common.not_allowed'));
    const page = Math.max(0, Math.min(1000, Number(p.page) || 0));
    const { text, keyboard } = await renderQueue(ctx, queueFilter(ctx, p), page);
    await ctx.answerCbQuery();
    await ctx
      .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } })
      .catch((err) => ctx.log.debug({ err }, 'queue unchanged'));
  });

  composer.action(openCardButton.pattern, async (ctx) => {
    const id = idField(openCardButton.unpack(dataOf(ctx))?.id);
    const r = id ? await findReport(db, id) : undefined;
    if (!r || !canStaff(ctx.role, ctx.profile, r.community_id))
      return ctx.answerCbQuery(ctx.t(r ? 'hazards.refused_not_allowed' : 'common.stale_button'));
    await ctx.answerCbQuery();
    const locale = cardLocale(ctx);
    return ctx.reply(await cardText(deps, db, r, locale), {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: staffKeyboard(r, i18n.translator(locale)) },
    });
  });

  // ---- scheduled jobs ----

  /** Emergency pages nobody acknowledged: tell the committee group, page staff again, and repeat. */
  const escalatePages = async (now: number) => {
    const every = communities.settings.emergencyAckMinutes * MINUTE;
    for (const r of await duePages(db, now)) {
      await db.transaction().execute(async (tx) => {
        if (!(await takePage(tx, r, now + every))) return;
        const chatId = await committeeChat(tx, r.community_id);
        const t = i18n.translator(config.defaultLocale);
        const minutes = Math.round((now - r.created_at) / MINUTE);
        if (chatId) {
          const text = `${t('hazards.page_escalated', { id: publicId(r.id), minutes })}\n\n${await cardText(deps, tx, r, config.defaultLocale)}`;
          await enqueue(tx, now, {
            chatId,
            text,
            keyboard: [[{ text: t('hazards.act_acknowledge'), callback_data: staffButton.pack({ action: 'acknowledge', id: r.id }) }]],
            priority: PRIORITY.personal,
            ref: `report:${r.id}:escalation`,
          });
        }
        await pageStaff(deps, tx, now, r);
      });
    }
    deps.sender.poke();
  };

  /** SLA: a report not acknowledged or not fixed in time is marked overdue and the group is told once. */
  const markOverdueReports = async (now: number) => {
    for (const r of await overdueReports(db, now, communities.config.hazardCategories)) {
      await db.transaction().execute(async (tx) => {
        if (!(await markOverdue(tx, now, r.id, r.overdue))) return;
        const chatId = await committeeChat(tx, r.community_id);
        if (!chatId) return;
        const t = i18n.translator(config.defaultLocale);
        const category = communities.hazardCategory(r.category)!;
        const hours = r.overdue === 'ack' ? category.slaAckHours : category.slaFixHours;
        await enqueue(tx, now, {
          chatId,
          text: t(`hazards.overdue_${r.overdue}`, {
            id: publicId(r.id),
            category: escapeHtml(categoryName(deps, r.category, config.defaultLocale)),
            hours,
          }),
          priority: PRIORITY.group,
          ref: `report:${r.id}:overdue`,
        });
        await enqueueCardEdit(deps, tx, now, r);
      });
    }
    deps.sender.poke();
  };

  /** "Is it fixed?" unanswered for fixConfirmDays: closed as fixed, without a rating. */
  const closeUnconfirmed = async (now: number) => {
    for (const { id } of await unconfirmedFixes(db, now, communities.settings.fixConfirmDays)) {
      await moveReport(deps, id, 'auto_close', SYSTEM);
    }
  };

  return {
    name: 'hazards',
    composer,
    flows: [reportFlow(deps), fixFlow(deps), handUpFlow(deps), noteFlow(deps), commentFlow(deps)],
    commands: [
      {
        name: 'report',
        minRole: 'resident',
        chat: 'private',
        description: 'hazards.cmd_report',
        menuLabel: 'hazards.menu_report',
        run: (ctx) => services.flows.start(ctx, 'rep'),
      },
      {
        name: 'myreports',
        minRole: 'resident',
        chat: 'private',
        description: 'hazards.cmd_myreports',
        menuLabel: 'hazards.menu_myreports',
        run: myReports,
      },
      { name: 'reports', minRole: 'staff', chat: 'any', description: 'hazards.cmd_reports', run: queue },
    ],
    jobs: [
      { name: 'hazards.pages', cron: '* * * * *', run: escalatePages },
      { name: 'hazards.overdue', cron: '*/15 * * * *', run: markOverdueReports },
      { name: 'hazards.fix-timeout', cron: '7 * * * *', run: closeUnconfirmed },
    ],
    privacy: {
      async exportData(userId, t) {
        const rows = await reportsOf(db, userId, 1000);
        if (rows.length === 0) return [t('hazards.mydata_title'), t('hazards.mydata_none')];
        const locale = (await deps.users.find(userId))?.locale as Locale;
        return [
          t('hazards.mydata_title'),
          ...rows.map(
            (r) =>
              `${reportLine(deps, r, t, locale ?? config.defaultLocale)} · ${formatTime(r.created_at, config.timezone)}${r.follow_kind === 'supporter' ? ` · ${t('hazards.supporting')}` : ''}`,
          ),
        ];
      },
      erase: (userId, tx) => eraseReporter(tx, userId),
    },
  };
};
