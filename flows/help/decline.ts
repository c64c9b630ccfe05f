import { defineFlow, textStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { findRequest } from '../../src/domain/help';
import { isGridWorkerOf } from '../../src/domain/grid';
import { canStaff } from '../../src/domain/roles';
import type { HelpServices } from '../../src/features/help/services';

/** Staff decline a request waiting for approval in their own words (the preset reasons are buttons on the card). */

const MAX_REASON = 200;

export function declineFlow(deps: CoreDeps, s: HelpServices) {
  return defineFlow<{ request: number }, { requestId: number }>({
    id: 'hdecl',
    first: 'reason',
    initial: (_c, args) => ({ request: args.requestId }),
    steps: {
      reason: textStep({
        ask: (c) => ({ text: c.t('help.ask_decline_reason', { id: c.state.request }) }),
        max: MAX_REASON,
        then: async (reason, c) => {
          // Skip is not offered: a reason is what this flow is for.
          if (reason === undefined) return { retry: c.t('common.too_short') };
          const request = await findRequest(deps.db, c.state.request);
          // Rights are checked again: the flow may have been started long ago, or the role changed since.
          if (!request || !(canStaff(c.role, c.user, request.community_id) || (await isGridWorkerOf(deps.db, c.userId, request))))
            return { finish: { text: c.t('common.not_allowed'), menu: true } };
          const outcome = await s.approvals.decline(c.now, request.id, { id: c.userId, name: c.user.first_name }, reason);
          if (!outcome.ok) return { finish: { text: await s.approvalCards.refusalText(outcome.request, c.locale), menu: true } };
          return { finish: { text: c.t('help.declined_ok'), menu: true } };
        },
      }),
    },
  });
}
