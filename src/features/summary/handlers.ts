import { Input, type Composer } from 'telegraf';
import { onButton, type PressContext } from '../../bot/buttons';
import type { BotContext } from '../../bot/context';
import { replyLong } from '../../bot/reply';
import type { CoreDeps } from '../../deps';
import { canStaff } from '../../domain/roles';
import { weekOf, type Week } from '../../domain/summary';
import { communityButton, earlierButton, unpackWeek, weekButton } from './buttons';
import { buildSummary } from './services/build';
import { communityChoiceKeyboard, earlierWeeksKeyboard, weekChoiceKeyboard } from './views/keyboards';
import { chartFilename, ledgerFilename } from './views/render';

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
