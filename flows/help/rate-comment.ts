import { defineFlow, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { commentRating } from '../../src/domain/help';

/** After the stars: an optional comment on the help received. */

export function rateCommentFlow(deps: CoreDeps) {
  return defineFlow<{ task: number }, { taskId: number }>({
    id: 'hrate',
    first: 'comment',
    initial: (_c, args) => ({ task: args.taskId }),
    steps: {
      comment: textStep({
        ask: (c) => ({ text: c.t('help.ask_comment'), skippable: true }),
        max: 500,
        then: async (comment, c) => {
          if (comment !== undefined) await commentRating(deps.db, c.state.task, c.userId, comment);
          return { finish: { text: c.t('help.rate_thanks'), menu: true } };
        },
      }),
    },
  });
}
