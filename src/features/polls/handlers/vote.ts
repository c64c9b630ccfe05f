import type { Composer } from 'telegraf';
import { onButton, type PressContext, type Refusal } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { canStaff } from '../../../domain/roles';
import { findPoll, type PollRow } from '../../../domain/polls';
import { optionsMask, pickButton, resultsButton, voteButton } from '../buttons';
import { pollLook, standingsOf } from '../services/polls';
import { currentBallot, mayVote, toggled, validMask, vote } from '../services/vote';
import { pollKeyboard, pollView, renderPoll, votedLine } from '../views/poll';
import { renderStandings } from '../views/results';

/**
 * The buttons under a poll: tick options (the message's buttons are redrawn in place), Vote,
 * and the standings. Every answer here is a direct reply (an edit of the pressed message, a
 * passing note), never an outbox row: on an anonymous poll nothing stored says what was ticked.
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

/** Redraws the pressed poll message: the text (with the voter's line once voted) and the buttons. */
async function redraw(deps: CoreDeps, ctx: PressContext, poll: PollRow, mask: number, voted?: string): Promise<void> {
  const look = pollLook(deps, poll.community_id, ctx.locale);
  const view = pollView(poll);
  const canVote = !voted || !poll.anonymous;
  const keyboard = pollKeyboard(ctx.t, view, mask, { canVote, voted: Boolean(voted) });
  const text = renderPoll(look, view) + (voted ? `\n\n${voted}` : '');
  await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
}

export function onPollButtons(composer: Composer<BotContext>, deps: CoreDeps): void {
  const load = (p: { poll: number }) => findPoll(deps.db, p.poll);

  onButton(composer, {
    codec: pickButton,
    load,
    refuse: async (ctx, poll, p) =>
      closedRefusal(ctx, poll, deps.clock.now()) ??
      (!validMask(poll, p.mask) || !validMask(poll, 1 << p.option) ? { text: ctx.t('common.stale_button'), alert: false } : undefined) ??
      (await voterRefusal(deps, ctx, poll)),
    run: async (ctx, poll, p) => {
      const mask = toggled(poll, p.mask, p.option);
      await ctx.answerCbQuery();
      const ballot = await currentBallot(deps, poll, ctx.profile!);
      const keyboard = pollKeyboard(ctx.t, pollView(poll), mask, { canVote: true, voted: Boolean(ballot) });
      return ctx.editMessageReplyMarkup({ inline_keyboard: keyboard }).catch(() => undefined);
    },
  });

  onButton(composer, {
    codec: voteButton,
    load,
    refuse: async (ctx, poll, p) =>
      closedRefusal(ctx, poll, deps.clock.now()) ??
      (!validMask(poll, p.mask) ? { text: ctx.t('common.stale_button'), alert: false } : undefined) ??
      (await voterRefusal(deps, ctx, poll)),
    run: async (ctx, poll, p) => {
      const outcome = await vote(deps, deps.clock.now(), poll, ctx.profile!, p.mask);
      await ctx.answerCbQuery(ctx.t(`polls.outcome_${outcome}`), { show_alert: !['voted', 'changed', 'unchanged'].includes(outcome) });
      // Unchanged or final: the message already says so (Telegram refuses an edit that changes nothing).
      if (outcome !== 'voted' && outcome !== 'changed') return;
      const ballot = await currentBallot(deps, poll, ctx.profile!);
      const mask = optionsMask(ballot?.choices ?? []);
      return redraw(deps, ctx, poll, mask, votedLine(ctx.t, pollView(poll), ballot?.choices));
    },
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
