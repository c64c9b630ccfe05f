import { chosen, defineFlow, textAnswer, textRetry, textStep, type FlowContext, type Outcome } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { MAX_NOTE, publicId } from '../../src/domain/hazards';
import { addFollowerNote, addFollowerPhoto, announcePhotos, commentOnRating } from '../../src/features/hazards/services';
import type { ReportArgs } from './steps';

/**
 * A follower adds a note, photos (an album at once) or a voice note to a report; the reporter
 * comments on a rating. Photos are kept as they arrive; the committee group gets them as one
 * album when the follower is done.
 */
interface State {
  id: number;
  /** The photos added in this flow so far (each already kept with the report). */
  photos?: string[];
}

/** One album's worth (Telegram's album holds ten). */
const MAX_ADDED_PHOTOS = 10;

type C = FlowContext<State>;

/** A photo arrived: kept at once, then "send more, or Done" (or done, at the album's size). */
async function keepPhoto(deps: CoreDeps, c: C, fileId: string): Promise<Outcome> {
  if (!(await addFollowerPhoto(deps, c.now, c.state.id, c.userId, fileId)))
    return { finish: { text: c.t('hazards.note_refused', { id: publicId(c.state.id) }) } };
  c.state.photos = [...(c.state.photos ?? []), fileId];
  return c.state.photos.length >= MAX_ADDED_PHOTOS ? donePhotos(deps, c) : { next: 'more' };
}

async function donePhotos(deps: CoreDeps, c: C): Promise<Outcome> {
  const n = await announcePhotos(deps, c.now, c.state.id, c.state.photos ?? []);
  return { finish: { text: c.t('hazards.photos_added', { id: publicId(c.state.id), n }) } };
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
          if (input.kind === 'photo') return keepPhoto(deps, c, input.fileId);
          const a = input.kind === 'text' ? textAnswer(input, { max: MAX_NOTE }) : undefined;
          if (a && !a.ok) return textRetry(c.t, a.reason, MAX_NOTE);
          const note = {
            text: a?.ok ? a.text : undefined,
            voice: input.kind === 'voice' ? { fileId: input.fileId, seconds: input.seconds } : undefined,
          };
          const added = await addFollowerNote(deps, c.now, c.state.id, c.userId, note);
          return { finish: { text: c.t(added ? 'hazards.note_added' : 'hazards.note_refused', { id: publicId(c.state.id) }) } };
        },
      },
      more: {
        accepts: ['photo', 'choice'],
        ask: (c) => ({
          text: c.t('hazards.photos_kept', { id: publicId(c.state.id), n: c.state.photos?.length ?? 0 }),
          choices: [{ label: c.t('hazards.photos_done'), value: 'done' }],
          columns: 1,
        }),
        answer: (input, c) => {
          if (input.kind === 'photo') return keepPhoto(deps, c, input.fileId);
          return chosen(input, ['done']) ? donePhotos(deps, c) : { retry: c.t('common.pick_a_button') };
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
