import { defineFlow, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { findRequest } from '../../src/domain/help';
import type { HelpServices } from '../../src/features/help/services';

/** A note on one's own request, from /myrequests; whoever is on it hears it at once. */

export function noteFlow(deps: CoreDeps, s: HelpServices) {
  return defineFlow<{ request: number }, { requestId: number }>({
    id: 'hnote',
    first: 'note',
    initial: (_c, args) => ({ request: args.requestId }),
    steps: {
      note: textStep({
        ask: (c) => ({ text: c.t('help.ask_note', { id: c.state.request }) }),
        max: 500,
        then: async (note, c) => {
          // Skip is not offered: a note is what this flow is for.
          if (note === undefined) return { retry: c.t('common.too_short') };
          const request = await findRequest(deps.db, c.state.request);
          if (!request || request.requester_id !== c.userId) return { finish: { text: c.t('common.not_allowed'), menu: true } };
          await s.requests.note(c.now, request, note);
          return { finish: { text: c.t('help.note_added'), menu: true } };
        },
      }),
    },
  });
}
