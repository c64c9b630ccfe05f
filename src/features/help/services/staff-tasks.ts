import type { CoreDeps } from '../../../deps';
import { cancelRequest, findRequest, findTask, moveTask, type Task } from '../../../domain/help';
import { escapeHtml } from '../../../i18n';
import { requestParams, taskParams } from '../views/tasks';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/** What reaches staff about a task: a claimer who cannot reach the person, an escalated task posted again or cancelled. */

export type StaffTasks = ReturnType<typeof staffTaskService>;

export function staffTaskService(deps: Pick<CoreDeps, 'db' | 'sender'>, h: HelpText, notices: Notices, cards: Cards) {
  const { db } = deps;

  /** The claimer cannot reach the person: staff hear it. */
  const tellUnreachable = async (now: number, task: Task, volunteerName: string) => {
    const request = (await findRequest(db, task.request_id))!;
    const params = taskParams(h, task, request);
    await db.transaction().execute((tx) =>
      notices.toStaff(tx, now, task.community_id, (l) => ({
        text: h.t(l, 'unreachable', { ...params(l), name: escapeHtml(volunteerName) }),
      })),
    );
    deps.sender.poke();
  };

  /** Staff post an escalated task to its group again. */
  const repost = async (now: number, task: Task, staffId: number) => {
    const ok = await db.transaction().execute(async (tx) => {
      if (!(await moveTask(tx, now, task.id, 'repost', staffId))) return false;
      await cards.postCard(tx, now, (await findTask(tx, task.id))!, (await findRequest(tx, task.request_id))!, 'card_reposted');
      return true;
    });
    if (ok) deps.sender.poke();
    return ok;
  };

  /** Staff cancel an escalated task's request; the requester hears it. */
  const cancelByStaff = async (now: number, task: Task, staffId: number) => {
    if (!(await cancelRequest(db, now, task.request_id, staffId, 'staff'))) return false;
    const request = (await findRequest(db, task.request_id))!;
    if (request.requester_id !== null) {
      const requester = request.requester_id;
      await db.transaction().execute((tx) => notices.notifyUser(tx, now, requester, 'cancelled_by_staff', requestParams(h, request)));
    }
    deps.sender.poke();
    return true;
  };

  return { tellUnreachable, repost, cancelByStaff };
}
