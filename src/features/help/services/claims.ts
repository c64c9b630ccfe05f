import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import {
  answerCheckin,
  checkinsDue,
  claimTask,
  findRequest,
  markCheckinSent,
  moveTask,
  releaseTask,
  unansweredCheckins,
  type Task,
} from '../../../domain/help';
import { escapeHtml, type Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { checkinKeyboard, claimerKeyboard, escalatedKeyboard, taskDetailsRef, taskParams } from '../views/tasks';
import type { HelpText } from '../views/text';
import { voiceMessages, type Cards } from './cards';
import type { Notices } from './notices';
import type { RequesterNotices } from './requester';

/** The claimer's side of a task: claim, start, release, check-ins; a task released twice goes to staff. */

export type Claims = ReturnType<typeof claimService>;

export function claimService(
  deps: Pick<CoreDeps, 'db' | 'users' | 'sender' | 'communities'>,
  h: HelpText,
  notices: Notices,
  cards: Cards,
  requester: RequesterNotices,
) {
  const { db } = deps;
  const settings = deps.communities.settings;
  const G = h.groupLocale;

  /** After a release: the old card says so, and the task goes back to the group or, the second time, to staff. */
  const afterRelease = async (tx: Executor, now: number, task: Task, previousClaimer: number, auto: boolean) => {
    const request = (await findRequest(tx, task.request_id))!;
    await cards.editCard(tx, now, task, request, 'card_released');
    if (task.status === 'escalated') {
      const params = taskParams(h, task, request);
      await notices.toStaff(tx, now, task.community_id, (l) => ({
        text: h.t(l, 'escalated', params(l)),
        keyboard: escalatedKeyboard(h, task, l),
      }));
    } else {
      await cards.postCard(tx, now, task, request, h.t(G, 'card_reposted'));
    }
    if (auto) await notices.notifyUser(tx, now, previousClaimer, 'auto_released', { id: task.id });
    await requester.tell(tx, now, task, request, task.status === 'escalated' ? 'escalated' : 'released', previousClaimer);
  };

  /**
   * Claims for a volunteer (or, `assignedBy` a lead, for a member) and sends them the details
   * privately; the requester hears who took it. The task as claimed, or undefined for the loser.
   */
  const claim = async (now: number, taskId: number, userId: number, assignedBy?: string): Promise<Task | undefined> => {
    let claimed: Task | undefined;
    const won = await claimTask(db, now, taskId, userId, settings.claimCheckinHours, async (tx, t) => {
      claimed = t;
      const request = (await findRequest(tx, t.request_id))!;
      const locale = await deps.users.localeOf(userId, tx);
      if (assignedBy !== undefined) await notices.notifyUser(tx, now, userId, 'assigned_you', { id: t.id, name: escapeHtml(assignedBy) });
      await enqueue(tx, now, {
        chatId: userId,
        text: await cards.details(tx, t, request, locale),
        keyboard: claimerKeyboard(h, t, locale),
        priority: PRIORITY.personal,
        ref: taskDetailsRef(t.id),
      });
      // What the requester said aloud follows the details, filed with them (so /deleteme drops them together).
      const voices = await voiceMessages(h, tx, request, locale);
      await enqueue(tx, now, ...voices.map((m) => ({ chatId: userId, ...m, priority: PRIORITY.personal, ref: taskDetailsRef(t.id) })));
      await requester.tell(tx, now, t, request, 'claimed', userId);
    });
    if (!won || !claimed) return undefined;
    deps.sender.poke();
    return claimed;
  };

  /** The claimer starts; the requester hears it. */
  const start = async (now: number, task: Task, userId: number) => {
    const started = await db.transaction().execute(async (tx) => {
      if (!(await moveTask(tx, now, task.id, 'start', userId, { claimedBy: userId, set: { started_at: now } }))) return false;
      await requester.tell(tx, now, task, (await findRequest(tx, task.request_id))!, 'started', userId);
      return true;
    });
    if (started) deps.sender.poke();
    return started;
  };

  /** The claimer gives the task back; undefined when it was not theirs to give. */
  const release = async (now: number, task: Task, userId: number) => {
    const status = await releaseTask(db, now, task.id, { volunteerId: userId }, (tx, t, prev) => afterRelease(tx, now, t, prev, false));
    if (status) deps.sender.poke();
    return status;
  };

  /** Job: check-ins that are due are asked; claims whose check-in went unanswered go back. */
  const runCheckins = async (now: number) => {
    for (const task of await checkinsDue(db, now)) {
      await db.transaction().execute(async (tx) => {
        if (!(await markCheckinSent(tx, now, task.id)) || task.claimed_by === null) return;
        await notices.notifyUser(
          tx,
          now,
          task.claimed_by,
          'checkin',
          { id: task.id, hours: settings.claimReleaseHours },
          {
            keyboard: (l: Locale) => checkinKeyboard(h, task, l),
          },
        );
      });
    }
    for (const task of await unansweredCheckins(db, now, settings.claimReleaseHours)) {
      await releaseTask(db, now, task.id, 'system', (tx, t, prev) => afterRelease(tx, now, t, prev, true));
    }
    deps.sender.poke();
  };

  return {
    claim,
    start,
    release,
    answerCheckin: (now: number, task: Task, userId: number) => answerCheckin(db, now, task.id, userId),
    runCheckins,
  };
}
