import type { CoreDeps } from '../src/deps';
import { defineFlow, textAnswer, textRetry } from '../src/bot/flow';
import type { Approvals } from '../src/bot/features/help-approval';
import { findRequest } from '../src/domain/help';
import { canStaff } from '../src/domain/roles';

/** Staff decline a request waiting for approval in their own words (the preset reasons are buttons on the card). */

const MAX_REASON = 200;

export function declineFlow(deps: CoreDeps, approvals: Approvals) {
  return defineFlow<{ request: number }>({
    id: 'hdecl',
    first: 'reason',
    initial: (_c, args) => ({ request: Number(args.request) }),
    steps: {
      reason: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_decline_reason', { id: c.state.request }) }),
        answer: async (input, c) => {
          const a = textAnswer(input, { max: MAX_REASON });
          if (!a.ok) return textRetry(c.t, a.reason, MAX_REASON);
          const request = await findRequest(deps.db, c.state.request);
          // Rights are checked again: the flow may have been started long ago, or the role changed since.
          if (!request || !canStaff(c.role, c.user, request.community_id))
            return { finish: { text: c.t('common.not_allowed'), menu: true } };
          const outcome = await approvals.decline(c.now, request.id, { id: c.userId, name: c.user.first_name }, a.text);
          if (!outcome.ok) return { finish: { text: await approvals.refusalText(outcome.request, c.locale), menu: true } };
          return { finish: { text: c.t('help.declined_ok'), menu: true } };
        },
      },
    },
  });
}
