import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { cardLocale as readerCardLocale } from '../../../bot/card-locale';
import { findRequest, type HelpRequest } from '../../../domain/help';
import { canStaff } from '../../../domain/roles';
import type { Locale } from '../../../i18n';
import { approvalButton, declineButton } from '../buttons';
import type { Pressed } from '../services/copies';
import type { ApprovalOutcome } from '../services/approvals';
import { approvedLine, declinedLine, pendingKeyboard, reasonsKeyboard, type Staff } from '../views/approval';
import type { HelpParts } from './parts';

/** The buttons on approval cards: approve, decline with a reason, details privately. */

const inGroup = (ctx: BotContext) => ctx.chat?.type !== 'private';
/** Cards in a group speak the group's language; in private, the reader's. */
const cardLocale = (ctx: BotContext, p: HelpParts) => readerCardLocale(ctx, p.deps);
const pressedOf = (ctx: BotContext): Pressed | undefined => {
  const m = ctx.callbackQuery?.message;
  return m ? { chatId: m.chat.id, messageId: m.message_id } : undefined;
};
const deciderOf = (ctx: PressContext): Staff => ({ id: ctx.from.id, name: ctx.profile?.first_name ?? ctx.from.first_name });

/** The request a staff button names: staff of its community may press, and only while it waits. */
const pendingRequest = ({ deps, s }: HelpParts) => ({
  load: (b: { request: number }) => findRequest(deps.db, b.request),
  may: (ctx: PressContext, request: HelpRequest) => canStaff(ctx.role, ctx.profile, request.community_id),
  refuse: async (ctx: PressContext, request: HelpRequest) =>
    request.status === 'pending' ? undefined : { text: await s.approvalCards.refusalText(request, ctx.locale) },
});

/** After a decision: the pressed card shows the outcome, or the loser hears who was first. */
async function answerOutcome(
  ctx: PressContext,
  p: HelpParts,
  outcome: ApprovalOutcome,
  okText: string,
  line: (r: HelpRequest) => (l: Locale) => string,
) {
  if (!outcome.ok) return ctx.answerCbQuery(await p.s.approvalCards.refusalText(outcome.request, ctx.locale), { show_alert: true });
  await ctx.answerCbQuery(okText);
  const locale = await cardLocale(ctx, p);
  const text = await p.s.approvalCards.cardText(p.deps.db, outcome.request, locale, inGroup(ctx), line(outcome.request)(locale));
  return ctx
    .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } })
    .catch((err) => ctx.log.debug({ err }, 'approval card not edited'));
}

type ApprovalAct = (ctx: PressContext, request: HelpRequest, p: HelpParts) => Promise<unknown>;

const approve: ApprovalAct = async (ctx, request, p) => {
  const { deps, s } = p;
  // A volunteer cannot help in the past: staff agree a new time with the resident first (or decline).
  if (request.window_end !== null && request.window_end <= deps.clock.now())
    return ctx.answerCbQuery(ctx.t('help.approval_too_late'), { show_alert: true });
  const staff = deciderOf(ctx);
  const outcome = await s.approvals.approve(deps.clock.now(), request.id, staff, pressedOf(ctx));
  const okText = ctx.t('help.approved_ok', { team: s.text.teamName(request.community_id, request.team_id, ctx.locale) });
  return answerOutcome(ctx, p, outcome, okText, (r) => approvedLine(s.text, r, staff));
};

const showReasons: ApprovalAct = async (ctx, request, p) => {
  await ctx.answerCbQuery();
  return ctx
    .editMessageReplyMarkup({ inline_keyboard: reasonsKeyboard(p.s.text, request, await cardLocale(ctx, p)) })
    .catch(() => undefined);
};

const backToCard: ApprovalAct = async (ctx, request, p) => {
  await ctx.answerCbQuery();
  const keyboard = pendingKeyboard(p.s.text, request, await cardLocale(ctx, p), inGroup(ctx));
  return ctx.editMessageReplyMarkup({ inline_keyboard: keyboard }).catch(() => undefined);
};

/** From the group's copy: a private copy with the person's details. */
const detailsPrivately: ApprovalAct = async (ctx, request, { deps, s }) => {
  if (!inGroup(ctx)) return ctx.answerCbQuery();
  await s.approvalCards.postPrivately(deps.clock.now(), request, ctx.from.id);
  return ctx.answerCbQuery(ctx.t('help.approval_details_sent'), { show_alert: true });
};

const APPROVAL_ACTS = { y: approve, n: showReasons, b: backToCard, i: detailsPrivately } as const;

/** A reason in staff's own words: written in the private chat, not in the group. */
const writeReason: ApprovalAct = async (ctx, request, { deps, s, bot, flows }) => {
  if (!inGroup(ctx)) {
    await ctx.answerCbQuery();
    return bot.flows.start(ctx, flows.decline, { requestId: request.id });
  }
  await s.approvalCards.askForOwnReason(deps.clock.now(), request, ctx.from.id, ctx.locale);
  return ctx.answerCbQuery(ctx.t('help.decline_continue_private'), { show_alert: true });
};

export function registerApprovalButtons(composer: Composer<BotContext>, p: HelpParts): void {
  onButton(composer, { codec: approvalButton, ...pendingRequest(p), run: (ctx, request, b) => APPROVAL_ACTS[b.act](ctx, request, p) });
  onButton(composer, {
    codec: declineButton,
    ...pendingRequest(p),
    run: async (ctx, request, b) => {
      if (b.reason === 'w') return writeReason(ctx, request, p);
      const staff = deciderOf(ctx);
      const outcome = await p.s.approvals.decline(p.deps.clock.now(), request.id, staff, b.reason, pressedOf(ctx));
      return answerOutcome(ctx, p, outcome, ctx.t('help.declined_ok'), (r) => declinedLine(p.s.text, r, staff));
    },
  });
}
