import { defineFlow, textAnswer } from '../src/bot/flow';
import type { CoreDeps } from '../src/deps';
import { committeeChat } from '../src/domain/chat-links';
import { addNote, commentFix, isFollower, MAX_NOTE, publicId } from '../src/domain/hazards';
import { enqueue, PRIORITY } from '../src/delivery/outbox';
import { escapeHtml } from '../src/i18n';
import { textRetry } from '../src/bot/flow';

/** A follower adds a note or a photo to a report; the reporter comments on a rating. */
interface State {
  id: number;
}

export function noteFlow(deps: CoreDeps) {
  return defineFlow<State>({
    id: 'rnt',
    first: 'note',
    initial: (_c, args) => ({ id: Number(args.id) }),
    steps: {
      note: {
        accepts: ['text', 'photo'],
        ask: (c) => ({ text: c.t('hazards.ask_note', { id: publicId(c.state.id) }) }),
        answer: async (input, c) => {
          const a = input.kind === 'text' ? textAnswer(input, { max: MAX_NOTE }) : undefined;
          if (a && !a.ok) return textRetry(c.t, a.reason, MAX_NOTE);
          const note = { text: a?.ok ? a.text : undefined, photo: input.kind === 'photo' ? input.fileId : undefined };
          const added = await deps.db.transaction().execute(async (tx) => {
            if (!(await isFollower(tx, c.state.id, c.userId))) return false;
            if (!(await addNote(tx, c.now, c.state.id, c.userId, note))) return false;
            const r = (await tx.selectFrom('reports').select(['community_id']).where('id', '=', c.state.id).executeTakeFirst())!;
            const chatId = await committeeChat(tx, r.community_id);
            const t = deps.i18n.translator(deps.config.defaultLocale);
            // The group sees what was added, never who added it.
            const text = t(note.photo ? 'hazards.group_photo_added' : 'hazards.group_note_added', {
              id: publicId(c.state.id),
              note: escapeHtml(note.text ?? ''),
            });
            if (chatId)
              await enqueue(tx, c.now, { chatId, text, photo: note.photo, priority: PRIORITY.group, ref: `report:${c.state.id}:note` });
            return true;
          });
          deps.sender.poke();
          return { finish: { text: c.t(added ? 'hazards.note_added' : 'hazards.note_refused', { id: publicId(c.state.id) }) } };
        },
      },
    },
  });
}

export function commentFlow(deps: CoreDeps) {
  return defineFlow<State>({
    id: 'rcm',
    first: 'comment',
    initial: (_c, args) => ({ id: Number(args.id) }),
    steps: {
      comment: {
        accepts: ['text', 'skip'],
        ask: (c) => ({ text: c.t('hazards.ask_comment'), skippable: true }),
        answer: async (input, c) => {
          if (input.kind === 'skip') return { finish: { text: c.t('hazards.thanks_rating') } };
          const a = textAnswer(input, { max: MAX_NOTE });
          if (!a.ok) return textRetry(c.t, a.reason, MAX_NOTE);
          await deps.db.transaction().execute((tx) => commentFix(tx, c.now, c.state.id, c.userId, a.text));
          return { finish: { text: c.t('hazards.thanks_rating') } };
        },
      },
    },
  });
}
