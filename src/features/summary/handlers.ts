import { Input, type Composer } from 'telegraf';
import { onButton, type PressContext } from '../../bot/buttons';
import { commandText } from '../../bot/command-args';
import type { BotContext } from '../../bot/context';
import { replyLong } from '../../bot/reply';
import type { CoreDeps } from '../../deps';
import { canStaff } from '../../domain/roles';
import { weekOf, type Week } from '../../domain/summary';
import { communityButton, earlierButton, unpackWeek, weekButton } from './buttons';
import { escapeHtml } from '../../i18n';
import { buildSummary, renderContext } from './services/build';
import { LEDGER_MAX_DAYS, ledgerDays, ledgerWorkbook, workbookFilename } from './services/workbook';
import { communityChoiceKeyboard, earlierWeeksKeyboard, weekChoiceKeyboard } from './views/keyboards';
import { chartFilename, communityName, ledgerFilename } from './views/render';

/** /summary for staff, in the private chat: which community, which week, then the summary itself. */

/** The communities this person may see the summary of. */
const allowedCommunities = (deps: CoreDeps, ctx: BotContext) =>
  deps.communities.all.filter((c) => canStaff(ctx.role, ctx.profile, c.id)).map((c) => c.id);

/** A press is honoured only in the private chat, by someone who may still see that community. */
const mayPress = (deps: CoreDeps) => (ctx: PressContext, p: { c: string }) =>
  ctx.chat?.type === 'private' && Boolean(deps.communities.community(p.c)) && allowedCommunities(deps, ctx).includes(p.c);

const askWeek = (deps: CoreDeps, ctx: BotContext, communityId: string) =>
  ctx.reply(ctx.t('summary.choose_week'), {
    reply_markup: {
      inline_keyboard: weekChoiceKeyboard(ctx.t, communityId, weekOf(deps.clock.now(), deps.config.timezone), deps.config.timezone),
    },
  });

export const summaryCommand = (deps: CoreDeps) => async (ctx: BotContext) => {
  const allowed = allowedCommunities(deps, ctx);
  if (allowed.length === 0) return ctx.reply(ctx.t('summary.no_community'));
  const own = ctx.profile?.community_id;
  if (own && allowed.includes(own)) return askWeek(deps, ctx, own);
  if (allowed.length === 1) return askWeek(deps, ctx, allowed[0]);
  return ctx.reply(ctx.t('summary.choose_community'), {
    reply_markup: { inline_keyboard: communityChoiceKeyboard(deps.communities, allowed, ctx.locale) },
  });
};

/** The summary's buttons: a community chosen, "earlier weeks" opened, a week chosen. */
export function summaryButtons(composer: Composer<BotContext>, deps: CoreDeps): void {
  // Every summary button: staff, in the private chat, of a community they may still see.
  const guard = { minRole: 'staff', allowed: mayPress(deps) } as const;
  onButton(composer, {
    codec: communityButton,
    ...guard,
    run: async (ctx, _, p) => {
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      return askWeek(deps, ctx, p.c);
    },
  });
  onButton(composer, {
    codec: earlierButton,
    ...guard,
    run: async (ctx, _, p) => {
      await ctx.answerCbQuery();
      const keyboard = earlierWeeksKeyboard(ctx.t, p.c, weekOf(deps.clock.now(), deps.config.timezone), deps.config.timezone);
      await ctx.editMessageReplyMarkup({ inline_keyboard: keyboard }).catch(() => undefined);
    },
  });
  onButton(composer, {
    codec: weekButton,
    ...guard,
    // A forged or too old week is "stale".
    load: (p) => unpackWeek(p.w, deps.config.timezone, deps.clock.now()),
    run: (ctx, week, p) => sendSummary(deps, ctx, p.c, week),
  });
}

/** The week's summary in the presser's language: the text, then the chart and the ledger. */
async function sendSummary(deps: CoreDeps, ctx: PressContext, communityId: string, week: Week) {
  await ctx.answerCbQuery(ctx.t('summary.preparing'));
  await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
  const built = await buildSummary(deps, communityId, week, ctx.locale, deps.clock.now());
  await replyLong(ctx, built.text);
  await ctx.replyWithPhoto(Input.fromBuffer(built.chart, chartFilename(communityId, week)), {
    caption: built.chartCaption,
    parse_mode: 'HTML',
  });
  await ctx.replyWithDocument(Input.fromBuffer(built.ledger, ledgerFilename(communityId, week)), {
    caption: built.ledgerCaption,
    parse_mode: 'HTML',
  });
}

/**
 * /ledger 2026-11-01 2026-11-30 [community]: the ledger of those days (both included, local
 * time) as an XLSX workbook. Staff get their own community's; an admin names one.
 */
export const ledgerCommand = (deps: CoreDeps) => async (ctx: BotContext) => {
  const [fromText, toText, asked] = commandText(ctx).split(/\s+/);
  const days = ledgerDays(fromText, toText, deps.config.timezone);
  if (days === 'usage') return ctx.reply(ctx.t('ledger.usage'));
  if (days === 'too_long') return ctx.reply(ctx.t('ledger.too_long', { days: LEDGER_MAX_DAYS }));
  const range = { from: days.from, to: days.to };
  const communityId = asked ?? ctx.profile?.community_id ?? undefined;
  if (!communityId || !deps.communities.community(communityId))
    return ctx.reply(ctx.t('ledger.which_community', { ids: deps.communities.all.map((c) => c.id).join(', ') }));
  if (!canStaff(ctx.role, ctx.profile, communityId)) return ctx.reply(ctx.t('common.not_allowed'));
  const rc = renderContext(deps, ctx.locale);
  const workbook = await ledgerWorkbook(deps.db, { communityId, ...range }, rc);
  const community = escapeHtml(communityName(rc, communityId));
  return ctx.replyWithDocument(Input.fromBuffer(workbook, workbookFilename(communityId, days.fromDay, days.toDay)), {
    caption: ctx.t('ledger.caption', { community, from: days.fromDay, to: days.toDay }),
    parse_mode: 'HTML',
  });
};
