import type { CoreDeps } from '../src/deps';
import { defineFlow, textAnswer, textRetry } from '../src/bot/flow';
import type { HelpKit } from '../src/bot/features/help-kit';
import { addNote, commentRating, findRequest } from '../src/domain/help';
import { escapeHtml } from '../src/i18n';

/** Two one-question flows of the help feature: a note on one's request, a comment on a rating. */

export function noteFlow(deps: CoreDeps, kit: HelpKit) {
  return defineFlow<{ request: number }>({
    id: 'hnote',
    first: 'note',
    initial: (_c, args) => ({ request: Number(args.request) }),
    steps: {
      note: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_note', { id: c.state.request }) }),
        answer: async (input, c) => {
          const a = textAnswer(input, { max: 500 });
          if (!a.ok) return textRetry(c.t, a.reason, 500);
          const request = await findRequest(deps.db, c.state.request);
          if (!request || request.requester_id !== c.userId) return { finish: { text: c.t('common.not_allowed'), menu: true } };
          await deps.db.transaction().execute(async (tx) => {
            await addNote(tx, c.now, request.id, a.text);
            // Whoever is on it hears the note at once.
            const active = await tx
              .selectFrom('tasks')
              .select(['id', 'claimed_by'])
              .where('request_id', '=', request.id)
              .where('status', 'in', ['claimed', 'started'])
              .execute();
            for (const task of active) {
              if (task.claimed_by !== null)
                await kit.notifyUser(tx, c.now, task.claimed_by, 'note_for_claimer', { id: task.id, note: escapeHtml(a.text) });
            }
          });
          deps.sender.poke();
          return { finish: { text: c.t('help.note_added'), menu: true } };
        },
      },
    },
  });
}

export function rateCommentFlow(deps: CoreDeps) {
  return defineFlow<{ task: number }>({
    id: 'hrate',
    first: 'comment',
    initial: (_c, args) => ({ task: Number(args.task) }),
    steps: {
      comment: {
        accepts: ['text', 'skip'],
        ask: (c) => ({ text: c.t('help.ask_comment'), skippable: true }),
        answer: async (input, c) => {
          if (input.kind === 'text') {
            const a = textAnswer(input, { max: 500 });
            if (!a.ok) return textRetry(c.t, a.reason, 500);
            await commentRating(deps.db, c.state.task, c.userId, a.text);
          }
          return { finish: { text: c.t('help.rate_thanks'), menu: true } };
        },
      },
    },
  });
}
