import { FlatComposer } from '../../bot/chain';
import { pollFlow } from '../../../flows/polls/create';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { onNextRound, showPolls } from './handlers/polls';
import { onPollButtons } from './handlers/vote';
import { pollJobs } from './jobs';
import { pollsPrivacy } from './privacy';

/**
 * Resident votes (居民议事, 评选): staff create a poll with /poll; it goes out as a broadcast;
 * residents vote with its buttons (or find it with /polls); at closing the result and its chart
 * reach the committee group, and a selection round's creator can start the next round.
 */
export const pollsFeature: Feature = (deps, bot) => {
  const composer = new FlatComposer<BotContext>();
  const create = pollFlow(deps);
  onPollButtons(composer, deps);
  onNextRound(composer, deps, bot, create);
  return {
    name: 'polls',
    composer,
    flows: [create],
    commands: [
      {
        name: 'poll',
        minRole: 'staff',
        chat: 'private',
        description: 'polls.cmd_poll',
        menuLabel: 'polls.menu_poll',
        run: (ctx) => bot.flows.start(ctx, create),
      },
      {
        name: 'polls',
        minRole: 'resident',
        chat: 'private',
        description: 'polls.cmd_polls',
        menuLabel: 'polls.menu_polls',
        run: showPolls(deps, bot),
      },
    ],
    jobs: pollJobs(deps),
    privacy: pollsPrivacy(deps),
  };
};
