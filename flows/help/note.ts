import { defineFlow, textStep, type FlowContext, type Outcome } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { findRequest } from '../../src/domain/help';
import type { VoiceNote } from '../../src/domain/voice';
import type { HelpServices } from '../../src/features/help/services';
import { orVoice } from '../steps';

/** A note on one's own request (typed, or a voice message), from /myrequests; whoever is on it hears it at once. */

export function noteFlow(deps: CoreDeps, s: HelpServices) {
  const add = async (note: string | VoiceNote, c: FlowContext<{ request: number }>): Promise<Outcome> => {
    const request = await findRequest(deps.db, c.state.request);
    if (!request || request.requester_id !== c.userId) return { finish: { text: c.t('common.not_allowed'), menu: true } };
    await s.requests.note(c.now, request, note);
    return { finish: { text: c.t('help.note_added'), menu: true } };
  };
  return defineFlow<{ request: number }, { requestId: number }>({
    id: 'hnote',
    first: 'note',
    initial: (_c, args) => ({ request: args.requestId }),
    steps: {
      note: orVoice(
        textStep({
          ask: (c) => ({ text: c.t('help.ask_note', { id: c.state.request }) }),
          max: 500,
          // Skip is not offered: a note is what this flow is for.
          then: (note, c) => (note === undefined ? { retry: c.t('common.too_short') } : add(note, c)),
        }),
        add,
      ),
    },
  });
}
