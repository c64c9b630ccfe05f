import { defineFlow, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { commentRating } from '../../src/domain/help';
import { escapeHtml } from '../../src/i18n';

/**
 * After the stars: an optional comment on the help received. Staff recording the answer of
 * someone they filed for (by phone) are asked what that person would like to add.
 */

export function rateCommentFlow(deps: CoreDeps) {
  return defineFlow<{ task: number; onBehalfOf?: string }, { taskId: number; onBehalfOf?: string }>({
    id: 'hrate',
    first: 'comment',
    initial: (_c, args) => ({ task: args.taskId, ...(args.onBehalfOf !== undefined ? { onBehalfOf: args.onBehalfOf } : {}) }),
    steps: {
      comment: textStep({
        ask: (c) => ({
          text:
            c.state.onBehalfOf !== undefined
              ? c.t('help.ask_comment_on_behalf', { name: escapeHtml(c.state.onBehalfOf) })
              : c.t('help.ask_comment'),
          skippable: true,
        }),
        max: 500,
        then: async (comment, c) => {
          if (comment !== undefined) await commentRating(deps.db, c.state.task, c.userId, comment);
          return { finish: { text: c.t('help.rate_thanks'), menu: true } };
        },
      }),
    },
  });
}
