import type { CoreDeps } from '../../../deps';
import type { HelpRequest, Task } from '../../../domain/help';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/**
 * What the requester hears, privately and in their language, at each step of their request's
 * task: a volunteer took it, started, gave it back (to the team, or to staff the second time).
 * Done is the rating question (completion.ts). The volunteer is named as the group sees them:
 * their first name if they agreed, else "a volunteer".
 */

export type RequesterNotices = ReturnType<typeof requesterNotices>;

export type TaskStep = 'claimed' | 'started' | 'released' | 'escalated';

export function requesterNotices(deps: Pick<CoreDeps, 'users'>, h: HelpText, notices: Notices, cards: Cards) {
  const tell = async (tx: Executor, now: number, task: Task, request: HelpRequest, step: TaskStep, volunteerId: number) => {
    const to = request.requester_id;
    // Nobody to tell (erased), or the volunteer helping with their own request.
    if (to === null || to === volunteerId) return;
    const locale = await deps.users.localeOf(to, tx);
    const name = escapeHtml(await cards.volunteerLabel(tx, volunteerId, task, locale));
    await notices.notifyUser(tx, now, to, `requester_${step}`, { id: request.id, type: h.typeOf(request, locale), name });
  };
  return { tell };
}
