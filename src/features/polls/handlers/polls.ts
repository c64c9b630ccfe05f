import type { Composer } from 'telegraf';
import type { Flow } from '../../../bot/flow';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { canStaff } from '../../../domain/roles';
import { findPoll, openPolls, type PollRow } from '../../../domain/polls';
import { nextRoundButton, optionsMask, resultsButton } from '../buttons';
import { nextRoundOptions } from '../services/closing';
import { pollLook } from '../services/polls';
import { currentBallot, mayVote } from '../services/vote';
import { pollKeyboard, pollView, renderPoll, votedLine } from '../views/poll';
import type { PollState } from '../../../../flows/polls/create';
import { parseAudience } from '../../../domain/notices';

/** /polls: the open polls a person can vote in (staff: every open poll of their community, with its live count). */
export const showPolls = (deps: CoreDeps, bot: BotServices) => async (ctx: BotContext) => {
  const user = ctx.profile!;
  const community = user.community_id;
  const staff = community ? canStaff(ctx.role, user, community) : false;
  const shown: PollRow[] = [];
  for (const poll of community ? await openPolls(deps.db, community) : [])
    if (staff || !(await mayVote(deps, poll, user))) shown.push(poll);
  if (shown.length === 0) return ctx.reply(ctx.t('polls.none_open'), { reply_markup: bot.mainMenu(ctx) });
  for (const poll of shown) await ctx.reply(...(await pollCard(deps, ctx, poll, staff)));
};

/**
 * One poll as /polls shows it: the buttons with the person's own ticks once they voted. A second
 * member of a household that has voted sees that it has, not what was chosen, and no Vote.
 */
async function pollCard(deps: CoreDeps, ctx: BotContext, poll: PollRow, staff: boolean) {
  const view = pollView(poll);
  const eligible = !(await mayVote(deps, poll, ctx.profile!));
  const ballot = eligible ? await currentBallot(deps, poll, ctx.profile!) : undefined;
  const mine = ballot && ballot.user_id === ctx.from!.id;
  const line = ballot ? `\n\n${mine ? votedLine(ctx.t, view, ballot.choices) : ctx.t('polls.household_has_voted')}` : '';
  const canVote = eligible && (!ballot || (Boolean(mine) && !view.anonymous));
  const keyboard = pollKeyboard(ctx.t, view, optionsMask((mine && ballot.choices) || []), { canVote, voted: Boolean(ballot) });
  if (staff && !view.resultsAfterVote)
    keyboard.push([{ text: ctx.t('polls.live_button'), callback_data: resultsButton.pack({ poll: poll.id }) }]);
  const text = renderPoll(pollLook(deps, poll.community_id, ctx.locale), view) + line;
  return [text, { parse_mode: 'HTML' as const, reply_markup: { inline_keyboard: keyboard } }] as const;
}

/** The creator's button under a closed selection round: the next round's flow with its top options. */
export function onNextRound(composer: Composer<BotContext>, deps: CoreDeps, bot: BotServices, flow: Flow<PollState, PollState>): void {
  onButton(composer, {
    codec: nextRoundButton,
    minRole: 'staff',
    load: (p) => findPoll(deps.db, p.poll),
    may: (ctx, poll) => canStaff(ctx.role, ctx.profile, poll.community_id),
    refuse: (ctx, poll) => (poll.status !== 'closed' || !poll.keep_top ? { text: ctx.t('common.stale_button'), alert: false } : undefined),
    run: async (ctx, poll) => {
      const options = await nextRoundOptions(deps, poll);
      if (options.length < 2) return ctx.answerCbQuery(ctx.t('polls.no_next_round'), { show_alert: true });
      const view = pollView(poll);
      return bot.flows.start(ctx, flow, {
        community: poll.community_id,
        audience: parseAudience(poll.audience),
        question: view.question,
        options,
        multiple: view.multiple,
        anonymous: view.anonymous,
        perHousehold: view.perHousehold,
        resultsAfterVote: view.resultsAfterVote,
        round: poll.round + 1,
        previousId: poll.id,
      });
    },
  });
}
