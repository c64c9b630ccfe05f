import { defineFlow, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { findEvent } from '../../src/domain/events';
import { commentOnEventRating } from '../../src/features/notices/services/feedback';
import { ratingDone } from '../../src/features/notices/views/events';

/**
 * After an event's stars: an optional comment (Skip to leave none). With a low rating it
 * reaches the organiser and the committee group; every comment is listed in the weekly summary.
 */

/** Long enough for a few sentences, short enough for the summary's list and a group message. */
export const MAX_EVENT_COMMENT = 500;

export function eventCommentFlow(deps: CoreDeps) {
  return defineFlow<{ event: number; score: number }, { eventId: number; score: number }>({
    id: 'evcm',
    first: 'comment',
    initial: (_c, args) => ({ event: args.eventId, score: args.score }),
    steps: {
      comment: textStep({
        // The thanks for the stars and the question in one message: the stars' own message just loses its buttons.
        ask: async (c) => {
          const title = (await findEvent(deps.db, c.state.event))?.title ?? '';
          return { text: `${ratingDone(c.t, title, c.state.score)}\n${c.t('notices.ask_rating_comment')}`, skippable: true };
        },
        max: MAX_EVENT_COMMENT,
        then: async (comment, c) => {
          if (comment !== undefined) await commentOnEventRating(deps, c.now, c.state.event, c.userId, comment);
          return { finish: { text: c.t(comment === undefined ? 'notices.rating_thanks' : 'notices.comment_thanks'), menu: true } };
        },
      }),
    },
  });
}
