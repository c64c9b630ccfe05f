import type { Refusal, PressContext } from '../../../bot/buttons';
import { cardLocale as readerCardLocale } from '../../../bot/card-locale';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { findReport, publicId, type Actor, type Report } from '../../../domain/hazards';
import { canMove, type Action } from '../../../domain/hazard-status';
import { canStaff } from '../../../domain/roles';
import type { InlineKeyboard } from '../../../delivery/outbox';
import type { Locale } from '../../../i18n';
import type { commentFlow, noteFlow } from '../../../../flows/hazards/followup';
import type { reportFlow } from '../../../../flows/hazards/report';
import type { fixFlow, handUpFlow } from '../../../../flows/hazards/staff';
import { isGroupCard, isPageMessage, moveReport, renderCard } from '../services';
import { refusalText, staffKeyboard } from '../views/card';

/** What every hazard handler works with: the core dependencies, the bot's services and the feature's flows. */
export interface HazardsEnv {
  deps: CoreDeps;
  bot: BotServices;
  flows: {
    report: ReturnType<typeof reportFlow>;
    fix: ReturnType<typeof fixFlow>;
    handUp: ReturnType<typeof handUpFlow>;
    note: ReturnType<typeof noteFlow>;
    comment: ReturnType<typeof commentFlow>;
  };
}

export const actorOf = (ctx: BotContext): Actor => ({ id: ctx.from!.id, role: ctx.role, communityId: ctx.profile?.community_id ?? null });
export const isPrivate = (ctx: BotContext) => ctx.chat?.type === 'private';

/** Cards in a group speak the group's language (see /lang there); in private, the reader's. */
export const cardLocale = async (env: HazardsEnv, ctx: BotContext): Promise<Locale> => readerCardLocale(ctx, env.deps);

/** Re-renders the pressed message as the report's card (text, or the caption of its picture). */
export async function editPressed(env: HazardsEnv, ctx: PressContext, r: Report, keyboard?: InlineKeyboard): Promise<void> {
  const locale = await cardLocale(env, ctx);
  const text = await renderCard(env.deps, env.deps.db, r, locale);
  const markup = { inline_keyboard: keyboard ?? staffKeyboard(r, env.deps.i18n.translator(locale)) };
  const msg = ctx.callbackQuery.message;
  try {
    // A card with a picture (a photo, or an image sent as a file) has a caption, not a text.
    if (msg && ('photo' in msg || 'document' in msg)) await ctx.editMessageCaption(text, { parse_mode: 'HTML', reply_markup: markup });
    else await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: markup, link_preview_options: { is_disabled: true } });
  } catch (err) {
    ctx.log.debug({ err }, 'could not edit the report card');
  }
}

/** Is the pressed message the committee group's card itself (so editing it in place is enough)? */
async function pressedCard(env: HazardsEnv, ctx: PressContext, reportId: number): Promise<boolean> {
  const msg = ctx.callbackQuery.message;
  return msg ? isGroupCard(env.deps, reportId, { chatId: msg.chat.id, messageId: msg.message_id }) : false;
}

/** What every staff button on a report shares: it names a report, and only staff of its community may press it. */
export const staffOnReport = (env: HazardsEnv) => ({
  load: (p: { id: number }) => findReport(env.deps.db, p.id),
  may: (ctx: PressContext, r: Report) => canStaff(ctx.role, ctx.profile, r.community_id),
  notAllowed: 'hazards.refused_not_allowed',
});

/** A staff button that makes one move: staffOnReport, and the report must still allow that move. */
export const staffMoveOnReport = (env: HazardsEnv, action: Action) => ({
  ...staffOnReport(env),
  refuse: (ctx: PressContext, r: Report) => refuseUnmovable(env, ctx, r, action),
});

/** Refuses a staff move the report's status no longer allows, and brings the pressed copy up to date. */
export async function refuseUnmovable(env: HazardsEnv, ctx: PressContext, r: Report, action: Action): Promise<Refusal | undefined> {
  if (canMove(action, r.status)) return undefined;
  // Bring a stale private copy up to date so the wrong button disappears. The group card
  // itself is refreshed by whoever changed it (an outbox edit may be on its way).
  const msg = ctx.callbackQuery.message;
  const shown = msg && 'reply_markup' in msg ? JSON.stringify(msg.reply_markup?.inline_keyboard ?? []) : '';
  const current = JSON.stringify(staffKeyboard(r, env.deps.i18n.translator(await cardLocale(env, ctx))));
  if (shown !== current && !(await pressedCard(env, ctx, r.id))) await editPressed(env, ctx, r);
  return { text: ctx.t('hazards.refused_status', { status: ctx.t(`hazards.status_${r.status}`) }) };
}

/** Makes a staff move pressed on a card and shows the card as it is now; the moved report, or undefined if refused. */
export async function applyStaffMove(
  env: HazardsEnv,
  ctx: PressContext,
  r: Report,
  action: Action,
  details: Parameters<typeof moveReport>[4] = {},
): Promise<Report | undefined> {
  const inPlace = await pressedCard(env, ctx, r.id);
  const result = await moveReport(env.deps, r.id, action, actorOf(ctx), details, { cardEditedInPlace: inPlace });
  if (!result.ok) {
    await ctx.answerCbQuery(refusalText(ctx.t, result), { show_alert: true });
    return undefined;
  }
  await ctx.answerCbQuery(ctx.t(`hazards.done_${action}`, { id: publicId(r.id) }));
  // A pressed emergency page is edited by the move itself (who took it up), through the outbox: an edit here would race it.
  const msg = ctx.callbackQuery.message;
  if (!msg || !(await isPageMessage(env.deps, r.id, { chatId: msg.chat.id, messageId: msg.message_id })))
    await editPressed(env, ctx, result.report);
  return result.report;
}
