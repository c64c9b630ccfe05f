import { defineFlow, textAnswer, textRetry, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { MAX_NOTE, publicId } from '../../src/domain/hazards';
import { addFollowerNote, commentOnRating } from '../../src/features/hazards/services';
import type { ReportArgs } from './steps';

/** A follower adds a note, a photo or a voice note to a report; the reporter comments on a rating. */
interface State {
  id: number;
}

export function noteFlow(deps: CoreDeps) {
  return defineFlow<State, ReportArgs>({
    id: 'rnt',
    first: 'note',
    initial: (_c, args) => ({ id: args.reportId }),
    steps: {
      note: {
        accepts: ['text', 'photo', 'voice'],
        ask: (c) => ({ text: c.t('hazards.ask_note', { id: publicId(c.state.id) }) }),
        answer: async (input, c) => {
          const a = input.kind === 'text' ? textAnswer(input, { max: MAX_NOTE }) : undefined;
          if (a && !a.ok) return textRetry(c.t, a.reason, MAX_NOTE);
          const note = {
            text: a?.ok ? a.text : undefined,
            photo: input.kind === 'photo' ? input.fileId : undefined,
            voice: input.kind === 'voice' ? { fileId: input.fileId, seconds: input.seconds } : undefined,
          };
          const added = await addFollowerNote(deps, c.now, c.state.id, c.userId, note);
          return { finish: { text: c.t(added ? 'hazards.note_added' : 'hazards.note_refused', { id: publicId(c.state.id) }) } };
        },
      },
    },
  });
}

export function commentFlow(deps: CoreDeps) {
  return defineFlow<State, ReportArgs>({
    id: 'rcm',
    first: 'comment',
    initial: (_c, args) => ({ id: args.reportId }),
    steps: {
      comment: textStep({
        ask: (c) => ({ text: c.t('hazards.ask_comment'), skippable: true }),
        max: MAX_NOTE,
        then: async (comment, c) => {
          if (comment !== undefined) await commentOnRating(deps, c.now, c.state.id, c.userId, comment);
          return { finish: { text: c.t('hazards.thanks_rating') } };
        },
      }),
    },
  });
}
