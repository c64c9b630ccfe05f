import type { Composer } from 'telegraf';
import { onButton, type PressContext, type Refusal } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { canStaff } from '../../../domain/roles';
import { findPoll, type PollRow } from '../../../domain/polls';
import type { Receipt } from '../../../domain/poll-receipts';
import { changeButton, optionsMask, pickAgainButton, pickButton, receiptOf, resultsButton, voteButton } from '../buttons';
import { pollLook, standingsOf } from '../services/polls';
import { currentBallot, issueReceipt, mayVote, toggled, validMask, vote } from '../services/vote';
import { pollKeyboard, pollView, renderPoll, votedLine } from '../views/poll';
import { renderStandings } from '../views/results';

/**
 * The buttons under a poll: tick options (the message's buttons are redrawn in place), Vote,
 * and the standings; under an anonymous voter's own message, the same carrying their receipt.
 * Every answer here is a direct reply (an edit of the pressed message, a passing note), never
 * an outbox row: on an anonymous poll nothing stored says what was ticked.
 */

const isStaffOf = (ctx: BotContext, communityId: string) => canStaff(ctx.role, ctx.profile, communityId);

/** A poll that has closed (or whose closing time has come) takes no more ticks or votes. */
function closedRefusal(ctx: PressContext, poll: PollRow, now: number): Refusal | undefined {
  return poll.status !== 'open' || poll.closes_at <= now ? { text: ctx.t('polls.closed'), alert: true } : undefined;
}

async function voterRefusal(deps: CoreDeps, ctx: PressContext, poll: PollRow): Promise<Refusal | undefined> {
  if (!ctx.profile?.privacy_accepted_at) return { text: ctx.t('common.start_first'), alert: false };
  const refused = await mayVote(deps, poll, ctx.profile);
  return refused ? { text: ctx.t(`polls.outcome_${refused}`), alert: true } : undefined;
}

/** Redraws the pressed poll message: the text (with the voter's line once voted) and the buttons (an anonymous voter's with their receipt). */
async function redraw(deps: CoreDeps, ctx: PressContext, poll: PollRow, mask: number, voted: string, receipt?: Receipt): Promise<void> {
  const look = pollLook(deps, poll.community_id, ctx.locale);
  const view = pollView(poll);
  const keyboard = pollKeyboard(ctx.t, view, mask, { canVote: !poll.anonymous || receipt !== undefined, voted: true, receipt });
  const text = `${renderPoll(look, view)}\n\n${voted}`;
  await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
}

/** A tick: the message's buttons are redrawn with the new ticks (and the receipt they carried). */
async function retick(deps: CoreDeps, ctx: PressContext, poll: PollRow, mask: number, option: number, receipt?: Receipt) {
  const ticked = toggled(poll, mask, option);
  await ctx.answerCbQuery();
  const ballot = await currentBallot(deps, poll, ctx.profile!);
  const keyboard = pollKeyboard(ctx.t, pollView(poll), ticked, { canVote: true, voted: Boolean(ballot), receipt });
  return ctx.editMessageReplyMarkup({ inline_keyboard: keyboard }).catch(() => undefined);
}

/** The message redrawn as voted: an anonymous voter's with the receipt of the ballot as it now stands. */
async function redrawVoted(deps: CoreDeps, ctx: PressContext, poll: PollRow, mask: number) {
  const ballot = await currentBallot(deps, poll, ctx.profile!);
  const cast = poll.anonymous ? mask : optionsMask(ballot?.choices ?? []);
  const next = poll.anonymous && ballot ? issueReceipt(deps, poll, ctx.profile!, cast, ballot.changes) : undefined;
  return redraw(deps, ctx, poll, cast, votedLine(ctx.t, pollView(poll), ballot?.choices), next);
}

/**
 * Vote (or Change): the ballot, the message redrawn as voted, then the answer. The redraw comes
 * first because on an anonymous poll it delivers the new receipt, the only way to change the
 * vote again: an answer that fails ("query is too old" under load) only loses the toast.
 */
async function castAndRedraw(deps: CoreDeps, ctx: PressContext, poll: PollRow, mask: number, receipt?: Receipt) {
  const outcome = await vote(deps, { now: deps.clock.now(), updateId: ctx.update.update_id }, poll, ctx.profile!, mask, receipt);
  // Unchanged or final: the message already says so (Telegram refuses an edit that changes nothing).
  if (outcome === 'voted' || outcome === 'changed') await redrawVoted(deps, ctx, poll, mask);
  const alert = !['voted', 'changed', 'unchanged'].includes(outcome);
  await ctx
    .answerCbQuery(ctx.t(`polls.outcome_${outcome}`), { show_alert: alert })
    .catch((err) => ctx.log.warn({ err }, 'could not answer a vote press'));
}

export function onPollButtons(composer: Composer<BotContext>, deps: CoreDeps): void {
  const load = (p: { poll: number }) => findPoll(deps.db, p.poll);
  /** Open, masks the poll can have (a forged one is stale), and a presser who may vote in it. */
  const refuse = async (ctx: PressContext, poll: PollRow, masks: number[]) =>
    closedRefusal(ctx, poll, deps.clock.now()) ??
    (masks.every((m) => validMask(poll, m)) ? undefined : { text: ctx.t('common.stale_button'), alert: false }) ??
    (await voterRefusal(deps, ctx, poll));

  onButton(composer, {
    codec: pickButton,
    load,
    refuse: (ctx, poll, p) => refuse(ctx, poll, [p.mask, 1 << p.option]),
    run: (ctx, poll, p) => retick(deps, ctx, poll, p.mask, p.option),
  });
  onButton(composer, {
    codec: pickAgainButton,
    load,
    refuse: (ctx, poll, p) => refuse(ctx, poll, [p.mask, 1 << p.option, p.was]),
    run: (ctx, poll, p) => retick(deps, ctx, poll, p.mask, p.option, receiptOf(p)),
  });
  onButton(composer, {
    codec: voteButton,
    load,
    refuse: (ctx, poll, p) => refuse(ctx, poll, [p.mask]),
    run: (ctx, poll, p) => castAndRedraw(deps, ctx, poll, p.mask),
  });
  onButton(composer, {
    codec: changeButton,
    load,
    refuse: (ctx, poll, p) => refuse(ctx, poll, [p.mask, p.was]),
    run: (ctx, poll, p) => castAndRedraw(deps, ctx, poll, p.mask, receiptOf(p)),
  });

  onButton(composer, {
    codec: resultsButton,
    load,
    // Staff of the poll's community see the live count at any time; a voter once their household or they voted, where the poll allows it.
    refuse: async (ctx, poll) => {
      if (isStaffOf(ctx, poll.community_id)) return undefined;
      if (!poll.results_after_vote) return { text: ctx.t('polls.results_at_close_only') };
      if (!ctx.profile || !(await currentBallot(deps, poll, ctx.profile))) return { text: ctx.t('polls.vote_first') };
      return undefined;
    },
    run: async (ctx, poll) => {
      const staff = isStaffOf(ctx, poll.community_id);
      const fresh = (await findPoll(deps.db, poll.id))!;
      const standings = await standingsOf(deps, fresh, { turnout: staff, locale: ctx.locale });
      const closed = fresh.status === 'closed';
      await ctx.answerCbQuery();
      return ctx.reply(renderStandings(ctx.t, standings, closed ? 'final' : staff ? 'live' : 'voter'), { parse_mode: 'HTML' });
    },
  });
}
