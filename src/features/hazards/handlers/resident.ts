import type { Composer } from 'telegraf';
import { onButton, type PressContext } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { pictureCalls } from '../../../delivery/media';
import { findReport, historyOf, isFollower, photosOf, publicId, reportsOf, type Report } from '../../../domain/hazards';
import { voiceOf } from '../../../domain/voice';
import { FINAL_STATUSES } from '../../../domain/hazard-status';
import { fixedButton, mineButton, ratingButton, type MINE_OPS } from '../buttons';
import { moveReport, rateReport } from '../services';
import { refusalText } from '../views/card';
import { myReportsView, ratingKeyboard, reportDetailView } from '../views/resident';
import { actorOf, type HazardsEnv } from './press';

/** What residents press on their own reports: "Is it fixed?", the rating, and /myreports with its buttons. */

const clearButtons = (ctx: PressContext) => ctx.editMessageReplyMarkup(undefined).catch(() => undefined);

/** "Is it fixed?": yes closes the report, partly or no reopens it; then the rating. */
export function onFixedAnswer(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: fixedButton,
    run: async (ctx, _none, { id, answer }) => {
      // A second tap of the same answer: the first one counted.
      if ((await findReport(env.deps.db, id))?.fix_answer === answer) return ctx.answerCbQuery(ctx.t('common.already_done'));
      const result = await moveReport(env.deps, id, answer === 'yes' ? 'confirm' : 'reopen', actorOf(ctx), {
        fixAnswer: answer,
        note: answer,
      });
      if (!result.ok)
        return ctx.answerCbQuery(result.reason === 'wrong_status' ? ctx.t('common.stale_button') : refusalText(ctx.t, result), {
          show_alert: true,
        });
      await ctx.answerCbQuery(ctx.t(`hazards.fixed_${answer}`));
      await clearButtons(ctx);
      const text = ctx.t(answer === 'yes' ? 'hazards.answer_yes' : 'hazards.answer_reopened', { id: publicId(id) });
      return ctx.reply(`${text}\n\n${ctx.t('hazards.ask_rating')}`, { reply_markup: { inline_keyboard: ratingKeyboard(id) } });
    },
  });
}

/** The 1–5 stars, then an optional comment. */
export function onRating(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: ratingButton,
    run: async (ctx, _none, { id, stars }) => {
      if (!(await rateReport(env.deps, id, ctx.from.id, stars))) {
        const rated = (await findReport(env.deps.db, id))?.rating !== null;
        return ctx.answerCbQuery(ctx.t(rated ? 'common.already_done' : 'common.stale_button'));
      }
      await ctx.answerCbQuery('★'.repeat(stars));
      await clearButtons(ctx);
      return env.bot.flows.start(ctx, env.flows.comment, { reportId: id });
    },
  });
}

/** /myreports: the reports a resident made or supports. */
export async function showMyReports(env: HazardsEnv, ctx: BotContext) {
  const rows = await reportsOf(env.deps.db, ctx.from!.id);
  if (rows.length === 0) return ctx.reply(ctx.t('hazards.mine_none'), { reply_markup: env.bot.mainMenu(ctx) });
  const { text, keyboard } = myReportsView(env.deps, rows, ctx.t, ctx.locale);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
}

/** Pictures as the committee card's album shows them (pictureCalls: photos and image files apart, the caption on the first). */
export async function replyPictures(ctx: BotContext, refs: string[], caption: string): Promise<void> {
  for (const call of pictureCalls(refs, caption))
    await ctx.telegram.callApi(call.method as 'sendPhoto', { chat_id: ctx.chat!.id, ...call.payload } as never);
}

/**
 * A report opened from /myreports: the detail with its buttons, then below it, as on the committee
 * card, its photos as an album, and the voice note for the reporter who spoke it (a supporter sees
 * "🎤 voice note (0:12)" but does not hear a neighbour's voice).
 */
async function openReport(env: HazardsEnv, ctx: PressContext, r: Report) {
  const { text, keyboard } = reportDetailView(env.deps, r, await historyOf(env.deps.db, r.id), ctx.from.id, ctx.t, ctx.locale);
  // The map link is for tapping; a preview of the map would push the detail out of sight.
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard }, link_preview_options: { is_disabled: true } });
  const voice = voiceOf(r);
  if (voice && r.reporter_id === ctx.from.id) await ctx.replyWithVoice(voice.fileId, { duration: voice.seconds });
  const photos = (await photosOf(env.deps.db, r.id)).map((p) => p.file_id);
  if (photos.length > 0) await replyPictures(ctx, photos, ctx.t('hazards.album_caption', { id: publicId(r.id), n: photos.length }));
}

type MineOp = (typeof MINE_OPS)[number];

const mineOps: Record<MineOp, (env: HazardsEnv, ctx: PressContext, r: Report) => Promise<unknown>> = {
  /** Open: the report and its history. */
  async o(env, ctx, r) {
    await ctx.answerCbQuery();
    return openReport(env, ctx, r);
  },
  /** Add a note or a photo. */
  async n(env, ctx, r) {
    await ctx.answerCbQuery();
    return env.bot.flows.start(ctx, env.flows.note, { reportId: r.id });
  },
  /** Withdraw, while staff have not taken it up. */
  async w(env, ctx, r) {
    const result = await moveReport(env.deps, r.id, 'withdraw', actorOf(ctx));
    if (!result.ok) return ctx.answerCbQuery(refusalText(ctx.t, result), { show_alert: true });
    await ctx.answerCbQuery();
    await clearButtons(ctx);
    return ctx.reply(ctx.t('hazards.withdrawn', { id: publicId(r.id) }), { reply_markup: env.bot.mainMenu(ctx) });
  },
};

/** A button on one of the resident's own reports: only its followers may press it. */
export function onMine(composer: Composer<BotContext>, env: HazardsEnv): void {
  onButton(composer, {
    codec: mineButton,
    load: async (p, ctx) => {
      const r = await findReport(env.deps.db, p.id);
      return r && (await isFollower(env.deps.db, r.id, ctx.from.id)) ? r : undefined;
    },
    refuse: (ctx, r, p) =>
      p.op === 'n' && FINAL_STATUSES.includes(r.status) ? { text: ctx.t('hazards.note_refused', { id: publicId(r.id) }) } : undefined,
    run: (ctx, r, p) => mineOps[p.op](env, ctx, r),
  });
}
