import type { CoreDeps } from '../../../deps';
import { completeTask, filedByStaffFor, findRequest, measuredMinutes, type HelpRequest, type Task } from '../../../domain/help';
import { leadsOf } from '../../../domain/volunteers';
import { escapeHtml, type Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { hoursDecisionKeyboard, rateKeyboard } from '../views/tasks';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/**
 * Done: the task is closed, the card says so, the person helped is asked to rate it, and a large
 * hours correction goes to the team's leads (or staff, without a lead) to decide.
 */

export type Completion = ReturnType<typeof completionService>;

export interface DoneReport {
  taskId: number;
  volunteerId: number;
  note: string;
  photo?: string;
  /** The volunteer's own count, when the measured time was wrong. */
  correctedMinutes?: number;
}

export function completionService(
  deps: Pick<CoreDeps, 'db' | 'users' | 'sender' | 'communities'>,
  h: HelpText,
  notices: Notices,
  cards: Cards,
) {
  const limitMinutes = deps.communities.settings.hoursCorrectionLimit * 60;

  /**
   * Done, to the requester: who finished it, the note and photo, and the stars. For a request staff
   * filed for someone who phoned in, the staff member is asked to call that person and press their
   * answer, which is recorded as rated on their behalf (and counted apart in the summary).
   */
  const askForRating = async (tx: Executor, now: number, task: Task, request: HelpRequest, volunteerId: number) => {
    const requesterId = request.requester_id!;
    const locale = await deps.users.localeOf(requesterId, tx);
    const name = escapeHtml(await cards.volunteerLabel(tx, volunteerId, task, locale));
    const onBehalf = filedByStaffFor(request);
    await notices.notifyUser(
      tx,
      now,
      requesterId,
      onBehalf ? 'rate_ask_on_behalf' : 'rate_ask',
      {
        id: task.id,
        type: h.typeOf(request, locale),
        note: escapeHtml(task.done_note ?? ''),
        name,
        person: escapeHtml(request.on_behalf_name ?? ''),
        phone: escapeHtml(request.on_behalf_phone ?? '—'),
      },
      { keyboard: () => rateKeyboard(task), photo: task.done_photo ?? undefined },
    );
  };

  const askForHoursDecision = async (tx: Executor, now: number, task: Task, hoursId: number, done: DoneReport) => {
    const leads = (await leadsOf(tx, task.community_id, task.team_id)).filter((id) => id !== done.volunteerId);
    const approvers = leads.length > 0 ? leads : (await deps.users.staffOf(task.community_id, tx)).map((u) => u.id);
    const volunteer = await tx.selectFrom('users').select('first_name').where('id', '=', done.volunteerId).executeTakeFirst();
    const params = (l: Locale) => ({
      name: escapeHtml(volunteer?.first_name ?? ''),
      id: task.id,
      measured: h.duration(measuredMinutes(task, task.done_at!), l),
      claimed: h.duration(done.correctedMinutes!, l),
    });
    for (const id of approvers) {
      await notices.notifyUser(tx, now, id, 'hours_approval', params, { keyboard: (l) => hoursDecisionKeyboard(h, hoursId, l) });
    }
  };

  /** Closes the task; undefined when it was not the volunteer's to close, else whether the hours wait for a decision. */
  const complete = async (now: number, done: DoneReport): Promise<{ waiting: boolean } | undefined> => {
    let waiting = false;
    const ok = await completeTask(
      deps.db,
      now,
      done.taskId,
      done.volunteerId,
      { note: done.note, photo: done.photo, correctedMinutes: done.correctedMinutes },
      limitMinutes,
      async (tx, task, hoursId, needsApproval) => {
        const request = (await findRequest(tx, task.request_id))!;
        await cards.editCard(tx, now, task, request, 'card_done');
        if (request.requester_id !== null && request.requester_id !== done.volunteerId)
          await askForRating(tx, now, task, request, done.volunteerId);
        waiting = needsApproval;
        if (needsApproval) await askForHoursDecision(tx, now, task, hoursId, done);
      },
    );
    deps.sender.poke();
    return ok ? { waiting } : undefined;
  };

  return { complete };
}
