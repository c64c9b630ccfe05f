import type { CoreDeps } from '../../../deps';
import { decideHours, filedByStaffFor, findRequest, findTask, rateTask, type Task } from '../../../domain/help';
import type { HelpText } from '../views/text';
import type { Notices } from './notices';

/** After the help: the rating from the person helped, and the decision on a large hours correction. */

export type Feedback = ReturnType<typeof feedbackService>;

type HoursRow = { id: number; volunteer_id: number | null };

export function feedbackService(deps: Pick<CoreDeps, 'db' | 'sender'>, h: HelpText, notices: Notices) {
  const { db } = deps;

  /**
   * The person helped rates it (or staff press the answer they gave by phone); a low score goes to
   * staff. False when it cannot be rated; else for whom it was recorded (null: the rater's own).
   */
  const rate = async (now: number, taskId: number, raterId: number, score: number): Promise<false | { onBehalfOf: string | null }> => {
    if (!(await rateTask(db, now, taskId, raterId, score))) return false;
    const rated = (await findTask(db, taskId))!;
    const ratedRequest = (await findRequest(db, rated.request_id))!;
    const onBehalfOf = filedByStaffFor(ratedRequest) ? ratedRequest.on_behalf_name : null;
    if (score <= 2) {
      const task = (await findTask(db, taskId))!;
      const request = (await findRequest(db, task.request_id))!;
      await db
        .transaction()
        .execute((tx) =>
          notices.notifyStaff(tx, now, task.community_id, 'low_rating', (l) => ({ id: task.id, score, type: h.typeOf(request, l) })),
        );
      deps.sender.poke();
    }
    return { onBehalfOf };
  };

  /** A lead (or staff) decides on a large hours correction; the volunteer hears the outcome. */
  const decideCorrection = async (now: number, hours: HoursRow, task: Task, approve: boolean) => {
    const decided = await db.transaction().execute(async (tx) => {
      if (!(await decideHours(tx, hours.id, approve))) return false;
      if (hours.volunteer_id !== null)
        await notices.notifyUser(tx, now, hours.volunteer_id, approve ? 'hours_approved' : 'hours_declined', { id: task.id });
      return true;
    });
    if (decided) deps.sender.poke();
    return decided;
  };

  return { rate, decideCorrection };
}
