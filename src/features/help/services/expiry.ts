import type { CoreDeps } from '../../../deps';
import { expiredSlots, expireTask } from '../../../domain/help';
import { escapeHtml } from '../../../i18n';
import { slotPassedKeyboard } from '../views/requests';
import { requestParams } from '../views/tasks';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/**
 * A slot that passed with nobody on it: the card stops offering Claim, and the requester is asked
 * whether to re-post it for a new time or cancel. It is never re-posted for the time that passed.
 */

export type Expiry = ReturnType<typeof expiryService>;

export function expiryService(deps: Pick<CoreDeps, 'db' | 'sender'>, h: HelpText, notices: Notices, cards: Cards) {
  const { db } = deps;

  /** Job: each unclaimed task whose time has passed ends once (a guarded move), and its requester is asked. */
  const run = async (now: number) => {
    for (const expired of await expiredSlots(db, now)) {
      await expireTask(db, now, expired.id, async (tx, task, request) => {
        await cards.editCard(tx, now, task, request, 'card_expired');
        if (request.requester_id === null) return;
        const when = (l: Parameters<typeof h.when>[2]) => ({ when: escapeHtml(h.when(task.window_start, task.window_end, l)) });
        await notices.notifyUser(tx, now, request.requester_id, 'slot_passed', requestParams(h, request, when), {
          keyboard: (l) => slotPassedKeyboard(h, request.id, l),
        });
      });
    }
    deps.sender.poke();
  };

  return { run };
}
