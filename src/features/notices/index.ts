import { FlatComposer } from '../../bot/chain';
import { announceFlow } from '../../../flows/notices/announce';
import { eventFlow } from '../../../flows/notices/event';
import { eventCommentFlow } from '../../../flows/notices/rate-comment';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { onAttendanceTick, onRating } from './handlers/attendance';
import { onStopBroadcast } from './handlers/broadcasts';
import { onEventButton, showEvents } from './handlers/events';
import { onSubscriptionSwitch, showSubscriptions } from './handlers/subscriptions';
import { noticeJobs } from './jobs';
import { noticesPrivacy } from './privacy';
import { progressWatcher } from './services/broadcasts';

/**
 * Notices (/announce, /subscribe) and events (/event, /events, RSVPs, attendance, ratings).
 * Events live here too: an invitation is a broadcast like a notice (same audience steps,
 * progress message and Stop), and both share one set of texts and one /mydata section.
 */
export const noticesFeature: Feature = (deps, bot) => {
  const composer = new FlatComposer<BotContext>();
  deps.sender.watch(progressWatcher(deps));
  onSubscriptionSwitch(composer, deps);
  onStopBroadcast(composer, deps);
  onEventButton(composer, deps);
  onAttendanceTick(composer, deps);
  const announce = announceFlow(deps);
  const event = eventFlow(deps);
  const ratingComment = eventCommentFlow(deps);
  onRating(composer, deps, bot, ratingComment);

  return {
    name: 'notices',
    composer,
    flows: [announce, event, ratingComment],
    commands: [
      {
        name: 'announce',
        minRole: 'staff',
        chat: 'private',
        description: 'notices.cmd_announce',
        menuLabel: 'notices.menu_announce',
        run: (ctx) => bot.flows.start(ctx, announce),
      },
      {
        name: 'event',
        minRole: 'staff',
        chat: 'private',
        description: 'notices.cmd_event',
        menuLabel: 'notices.menu_event',
        run: (ctx) => bot.flows.start(ctx, event),
      },
      {
        name: 'events',
        minRole: 'resident',
        chat: 'private',
        description: 'notices.cmd_events',
        menuLabel: 'notices.menu_events',
        run: showEvents(deps, bot),
      },
      {
        name: 'subscribe',
        minRole: 'resident',
        chat: 'private',
        description: 'notices.cmd_subscribe',
        menuLabel: 'notices.menu_subscribe',
        run: showSubscriptions(deps),
      },
    ],
    jobs: noticeJobs(deps),
    privacy: noticesPrivacy(deps),
  };
};
