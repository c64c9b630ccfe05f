import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import {
  answerCheckin,
  checkinsDue,
  claimTask,
  findRequest,
  findTask,
  markCheckinSent,
  moveTask,
  releaseClaim,
  releaseTask,
  unansweredCheckins,
  type HelpRequest,
  type Task,
} from '../../../domain/help';
import { escapeHtml, type Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { checkinKeyboard, claimerKeyboard, escalatedKeyboard, taskDetailsRef, taskParams } from '../views/tasks';
import type { HelpText } from '../views/text';
import { bindParts } from './bind';
import { voiceMessages, type Cards } from './cards';
import type { Notices } from './notices';
import type { RequesterNotices } from './requester';

/** The claimer's side of a task: claim, start, release, check-ins; a task released twice goes to staff. */

export type Claims = ReturnType<typeof claimService>;

/** What the claim functions use. */
export interface ClaimParts {
  deps: Pick<CoreDeps, 'db' | 'users' | 'sender' | 'communities'>;
  h: HelpText;
  notices: Notices;
  cards: Cards;
  requester: RequesterNotices;
}

export function claimService(deps: ClaimParts['deps'], h: HelpText, notices: Notices, cards: Cards, requester: RequesterNotices) {
  return bindParts({ deps, h, notices, cards, requester } as ClaimParts, {
    claim,
    start,
    release,
    answerCheckin: ({ deps: { db } }: ClaimParts, now: number, task: Task, userId: number) => answerCheckin(db, now, task.id, userId),
    runCheckins,
    releaseClaimsOf,
    tellReleased,
  });
}

/** A released task: its old card says so, and it goes back to the group or, the second time, to staff. */
async function putBack({ h, notices, cards }: ClaimParts, tx: Executor, now: number, task: Task, request: HelpRequest) {
  await cards.editCard(tx, now, task, request, 'card_released');
  if (task.status !== 'escalated') return void (await cards.postCard(tx, now, task, request, 'card_reposted'));
  const params = taskParams(h, task, request);
  await notices.toStaff(tx, now, task.community_id, (l) => ({
    text: h.t(l, 'escalated', params(l)),
    keyboard: escalatedKeyboard(h, task, l),
  }));
}

/** The requester hears their task went back (to the team, or to staff). */
const tellReleased = (p: ClaimParts, tx: Executor, now: number, task: Task, request: HelpRequest, previousClaimer: number) =>
  p.requester.tell(tx, now, task, request, task.status === 'escalated' ? 'escalated' : 'released', previousClaimer);

/** After a release: put back, the claimer told when it was the check-in's doing, the requester told. */
async function afterRelease(p: ClaimParts, tx: Executor, now: number, task: Task, previousClaimer: number, auto: boolean) {
  const request = (await findRequest(tx, task.request_id))!;
  await putBack(p, tx, now, task, request);
  if (auto) await p.notices.notifyUser(tx, now, previousClaimer, 'auto_released', { id: task.id });
  await tellReleased(p, tx, now, task, request, previousClaimer);
}

/**
 * /deleteme, in the erasing transaction: their claims are put back as a release does. The tasks
 * released, for the requesters to be told once the volunteer is erased (so unnamed, "a volunteer").
 */
async function releaseClaimsOf(p: ClaimParts, tx: Executor, now: number, userId: number) {
  const released: { task: Task; request: HelpRequest }[] = [];
  const claimed = await tx
    .selectFrom('tasks')
    .selectAll()
    .where('claimed_by', '=', userId)
    .where('status', 'in', ['claimed', 'started'])
    .execute();
  for (const before of claimed) {
    if (!(await releaseClaim(tx, now, before, userId, userId))) continue;
    const task = (await findTask(tx, before.id))!;
    const request = (await findRequest(tx, task.request_id))!;
    released.push({ task, request });
    await putBack(p, tx, now, task, request);
  }
  return released;
}

/**
 * Claims for a volunteer (or, `assignedBy` a lead, for a member) and sends them the details
 * privately; the requester hears who took it. The task as claimed, or undefined for the loser.
 */
async function claim(p: ClaimParts, now: number, taskId: number, userId: number, assignedBy?: string): Promise<Task | undefined> {
  const { deps } = p;
  let claimed: Task | undefined;
  const won = await claimTask(deps.db, now, taskId, userId, deps.communities.settings.claimCheckinHours, async (tx, t) => {
    claimed = t;
    if (assignedBy !== undefined) await p.notices.notifyUser(tx, now, userId, 'assigned_you', { id: t.id, name: escapeHtml(assignedBy) });
    await sendDetails(p, tx, now, t, userId);
  });
  if (!won || !claimed) return undefined;
  deps.sender.poke();
  return claimed;
}

/** The new claimer's private details, then what the requester said aloud; the requester hears who took it. */
async function sendDetails(p: ClaimParts, tx: Executor, now: number, t: Task, userId: number) {
  const { h, cards } = p;
  const request = (await findRequest(tx, t.request_id))!;
  const locale = await p.deps.users.localeOf(userId, tx);
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
  await p.requester.tell(tx, now, t, request, 'claimed', userId);
}

/** The claimer starts; the requester hears it. */
async function start(p: ClaimParts, now: number, task: Task, userId: number) {
  const started = await p.deps.db.transaction().execute(async (tx) => {
    if (!(await moveTask(tx, now, task.id, 'start', userId, { claimedBy: userId, set: { started_at: now } }))) return false;
    await p.requester.tell(tx, now, task, (await findRequest(tx, task.request_id))!, 'started', userId);
    return true;
  });
  if (started) p.deps.sender.poke();
  return started;
}

/** The claimer gives the task back; undefined when it was not theirs to give. */
async function release(p: ClaimParts, now: number, task: Task, userId: number) {
  const status = await releaseTask(p.deps.db, now, task.id, { volunteerId: userId }, (tx, t, prev) =>
    afterRelease(p, tx, now, t, prev, false),
  );
  if (status) p.deps.sender.poke();
  return status;
}

/** Job: check-ins that are due are asked; claims whose check-in went unanswered go back. */
async function runCheckins(p: ClaimParts, now: number) {
  const { deps, h } = p;
  const { db } = deps;
  const settings = deps.communities.settings;
  for (const task of await checkinsDue(db, now)) {
    await db.transaction().execute(async (tx) => {
      if (!(await markCheckinSent(tx, now, task.id)) || task.claimed_by === null) return;
      await p.notices.notifyUser(
        tx,
        now,
        task.claimed_by,
        'checkin',
        { id: task.id, hours: settings.claimReleaseHours },
        { keyboard: (l: Locale) => checkinKeyboard(h, task, l) },
      );
    });
  }
  for (const task of await unansweredCheckins(db, now, settings.claimReleaseHours)) {
    await releaseTask(db, now, task.id, 'system', (tx, t, prev) => afterRelease(p, tx, now, t, prev, true));
  }
  deps.sender.poke();
}
