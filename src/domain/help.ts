import type { Selectable } from 'kysely';
import type { Communities } from '../community/config';
import type { Db, Executor } from '../store/db';
import type { HelpRequestsTable, TaskStatus, TasksTable } from '../store/schema/help';
import { audit } from './audit';
import { voiceOf, type VoiceNote } from './voice';
import { fromUpdate } from './redelivery';

/**
 * Help requests and their tasks. A request is what a resident asked for; a task is one
 * occurrence of it (a recurring request makes a fresh task each period). A task's lifecycle
 * is the table below: handlers, keyboards and jobs read it, and every move is one guarded
 * UPDATE, so two processes (or twenty volunteers pressing Claim at once) cannot both win.
 */

export type HelpRequest = Selectable<HelpRequestsTable>;
export type Task = Selectable<TasksTable>;
export type TaskAction = 'claim' | 'start' | 'done' | 'release' | 'escalate' | 'cancel' | 'repost' | 'expire';
export type Mover = 'member' | 'claimer' | 'requester' | 'staff' | 'system';

export const TASK_MOVES: Record<TaskAction, { from: readonly TaskStatus[]; to: TaskStatus; by: readonly Mover[] }> = {
  claim: { from: ['open', 'released'], to: 'claimed', by: ['member'] },
  start: { from: ['claimed'], to: 'started', by: ['claimer'] },
  done: { from: ['claimed', 'started'], to: 'done', by: ['claimer'] },
  release: { from: ['claimed', 'started'], to: 'released', by: ['claimer', 'system'] },
  // Released twice: staff take it from here.
  escalate: { from: ['released'], to: 'escalated', by: ['system'] },
  cancel: { from: ['open', 'released', 'escalated'], to: 'cancelled', by: ['requester', 'staff'] },
  repost: { from: ['escalated'], to: 'open', by: ['staff'] },
  // Its time passed with nobody on it: the occurrence ends (by the system, actor null), and the
  // requester is asked whether to re-post it for a new time or cancel the request.
  expire: { from: ['open', 'released'], to: 'cancelled', by: ['system'] },
};

/**
 * Help types never offered on a public card: a dispute or a legal question is personal, so the
 * team's lead assigns it privately (or, without a lead, the team's volunteers hear of it privately).
 */
export const PRIVATE_HELP_TYPES: readonly string[] = ['mediation', 'legal'];

export function assignedPrivately(communities: Communities, type: string): boolean {
  return PRIVATE_HELP_TYPES.includes(type) || communities.helpType(type)?.teamKind === 'legal';
}

/**
 * Filed by staff for someone who phoned in (/requestfor): staff filed it, for someone else, and
 * approved it by filing it. Its rating is the person's answer that staff record by phone.
 */
export function filedByStaffFor(r: Pick<HelpRequest, 'on_behalf_name' | 'requester_id' | 'decided_by'>): boolean {
  return r.on_behalf_name !== null && r.requester_id !== null && r.decided_by === r.requester_id;
}

/** Statuses in which a task still waits for someone to act. */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['open', 'released', 'claimed', 'started', 'escalated'];

/** What a given mover may do to a task in this status (e.g. which buttons a claimer sees). */
export function allowedActions(status: TaskStatus, mover: Mover): TaskAction[] {
  return (Object.keys(TASK_MOVES) as TaskAction[]).filter((a) => TASK_MOVES[a].from.includes(status) && TASK_MOVES[a].by.includes(mover));
}

/**
 * Moves a task by one action: a single guarded UPDATE (status in `from`, plus any extra
 * guard such as "claimed by this volunteer"). Returns whether this call made the move.
 */
export async function moveTask(
  tx: Executor,
  now: number,
  taskId: number,
  action: TaskAction,
  actorId: number | null,
  opts: { claimedBy?: number; set?: Partial<Omit<Task, 'id'>>; checkinUnanswered?: boolean } = {},
): Promise<boolean> {
  const move = TASK_MOVES[action];
  let q = tx
    .updateTable('tasks')
    .set({ ...opts.set, status: move.to, updated_at: now })
    .where('id', '=', taskId)
    .where('status', 'in', [...move.from]);
  if (opts.claimedBy !== undefined) q = q.where('claimed_by', '=', opts.claimedBy);
  // The volunteer may answer the check-in (or start) while the release job is on its way to this row.
  if (opts.checkinUnanswered) q = q.where('checkin_ok_at', 'is', null).where('status', '=', 'claimed');
  const result = await q.executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  const task = await tx.selectFrom('tasks').select('community_id').where('id', '=', taskId).executeTakeFirstOrThrow();
  await tx
    .insertInto('task_events')
    .values({ task_id: taskId, community_id: task.community_id, kind: move.to, actor_id: actorId, at: now })
    .execute();
  await audit(tx, now, actorId, `task.${action}`, `task:${taskId}`);
  return true;
}

/** Who last gave this task back (null: the system, or never), to tell a double tap from a stranger's press. */
export async function lastReleasedBy(db: Executor, taskId: number): Promise<number | null> {
  const row = await db
    .selectFrom('task_events')
    .select('actor_id')
    .where('task_id', '=', taskId)
    .where('kind', '=', 'released')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.actor_id ?? null;
}

export function findTask(db: Executor, id: number): Promise<Task | undefined> {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findRequest(db: Executor, id: number): Promise<HelpRequest | undefined> {
  return db.selectFrom('help_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewRequest {
  communityId: string;
  buildingId: string;
  requesterId: number;
  onBehalfName?: string;
  onBehalfPhone?: string;
  type: string;
  /** '' when the details are a voice note. */
  details: string;
  voice?: VoiceNote;
  urgent: boolean;
  windowStart?: number;
  windowEnd?: number;
  unit?: string;
  address?: string;
  phone?: string;
  /** Staff filing it (for someone who phoned in) approve it at once; a resident's waits for staff. */
  approvedBy?: number;
  /** The update whose press files it: handled again after a crash, it finds this request. */
  updateId?: number;
}

/** The team whose group gets this type of help: the team of the type's kind, else the first team. */
export function teamFor(communities: Communities, communityId: string, type: string): string {
  const kind = communities.helpType(type)?.teamKind;
  const community = communities.community(communityId)!;
  return (kind && communities.teamForKind(communityId, kind)?.id) ?? community.teams[0]?.id ?? '';
}

/** The request an update filed already (handled again after a crash), with its latest task. */
async function filedByUpdate(tx: Executor, now: number, r: NewRequest) {
  if (r.updateId === undefined) return undefined;
  const row = await tx
    .selectFrom('help_requests')
    .select('id')
    .where(fromUpdate(r.updateId, now))
    .where('requester_id', '=', r.requesterId)
    .executeTakeFirst();
  if (!row) return undefined;
  const task = await tx.selectFrom('tasks').selectAll().where('request_id', '=', row.id).orderBy('id', 'desc').executeTakeFirst();
  return { request: (await findRequest(tx, row.id))!, task };
}

/**
 * Files a request. Approved at filing (`approvedBy`), it gets its first task and `post` enqueues
 * the group card; otherwise it waits for staff and `pending` enqueues the approval card. Either
 * happens in the same transaction as the insert.
 */
export async function createRequest(
  db: Db,
  now: number,
  r: NewRequest,
  teamId: string,
  post: (tx: Executor, task: Task, request: HelpRequest) => Promise<void>,
  pending: (tx: Executor, request: HelpRequest) => Promise<void> = async () => undefined,
): Promise<{ request: HelpRequest; task: Task | undefined }> {
  const approved = r.approvedBy !== undefined;
  return db.transaction().execute(async (tx) => {
    const filed = await filedByUpdate(tx, now, r);
    if (filed) return filed;
    const { id } = await tx
      .insertInto('help_requests')
      .values({
        community_id: r.communityId,
        building_id: r.buildingId,
        team_id: teamId,
        requester_id: r.requesterId,
        on_behalf_name: r.onBehalfName ?? null,
        on_behalf_phone: r.onBehalfPhone ?? null,
        type: r.type,
        details: r.details,
        voice_file_id: r.voice?.fileId ?? null,
        voice_seconds: r.voice?.seconds ?? null,
        notes: '',
        urgent: r.urgent ? 1 : 0,
        window_start: r.windowStart ?? null,
        window_end: r.windowEnd ?? null,
        unit: r.unit ?? null,
        address: r.address ?? null,
        phone: r.phone ?? null,
        status: approved ? 'active' : 'pending',
        decided_by: r.approvedBy ?? null,
        decided_at: approved ? now : null,
        decline_reason: null,
        approval_reminded_at: null,
        created_at: now,
        updated_at: now,
        update_id: r.updateId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const request = (await findRequest(tx, Number(id)))!;
    await audit(tx, now, r.requesterId, 'help.request', `help:${request.id}`, {
      type: r.type,
      onBehalf: Boolean(r.onBehalfName),
      approved,
    });
    if (!approved) {
      await pending(tx, request);
      return { request, task: undefined };
    }
    const task = await createTask(tx, now, request, r.windowStart ?? null, r.windowEnd ?? null);
    await post(tx, task, request);
    return { request, task };
  });
}

export async function createTask(
  tx: Executor,
  now: number,
  request: HelpRequest,
  windowStart: number | null,
  windowEnd: number | null,
): Promise<Task> {
  const { id } = await tx
    .insertInto('tasks')
    .values({
      request_id: request.id,
      community_id: request.community_id,
      team_id: request.team_id,
      status: 'open',
      window_start: windowStart,
      window_end: windowEnd,
      claimed_by: null,
      claimed_at: null,
      checkin_due_at: null,
      checkin_sent_at: null,
      checkin_ok_at: null,
      started_at: null,
      done_at: null,
      done_note: null,
      done_photo: null,
      released_count: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('task_events')
    .values({ task_id: Number(id), community_id: request.community_id, kind: 'open', actor_id: request.requester_id, at: now })
    .execute();
  return (await findTask(tx, Number(id)))!;
}

/** When an unstarted claim gets its check-in: the window's start, or some hours after the claim. */
export function checkinDue(task: Pick<Task, 'window_start'>, claimedAt: number, checkinHours: number): number {
  const afterClaim = claimedAt + checkinHours * 3_600_000;
  return task.window_start !== null && task.window_start > claimedAt ? task.window_start : afterClaim;
}

/** Claims a task for a volunteer. Exactly one caller gets true, however many press at once. */
export async function claimTask(
  db: Db,
  now: number,
  taskId: number,
  volunteerId: number,
  checkinHours: number,
  then: (tx: Executor, task: Task) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const before = await findTask(tx, taskId);
    if (!before) return false;
    const won = await moveTask(tx, now, taskId, 'claim', volunteerId, {
      set: {
        claimed_by: volunteerId,
        claimed_at: now,
        checkin_due_at: checkinDue(before, now, checkinHours),
        checkin_sent_at: null,
        checkin_ok_at: null,
      },
    });
    if (won) await then(tx, (await findTask(tx, taskId))!);
    return won;
  });
}

/**
 * Releases a claim (the volunteer's choice or an unanswered check-in). Back to the group as
 * unclaimed; the second release hands it to staff instead. Returns the new status, or
 * undefined when the task was not in a releasable state for this claimer.
 */
export async function releaseTask(
  db: Db,
  now: number,
  taskId: number,
  by: { volunteerId: number } | 'system',
  then: (tx: Executor, task: Task, previousClaimer: number) => Promise<void>,
): Promise<'released' | 'escalated' | undefined> {
  return db.transaction().execute(async (tx) => {
    const before = await findTask(tx, taskId);
    if (!before || before.claimed_by === null) return undefined;
    const claimer = before.claimed_by;
    const system = by === 'system';
    // The system releases only a claim whose check-in is still unanswered when the release runs.
    const status = await releaseClaim(tx, now, before, system ? null : by.volunteerId, system ? claimer : by.volunteerId, system);
    if (!status) return undefined;
    await then(tx, (await findTask(tx, taskId))!, claimer);
    return status;
  });
}

/**
 * In the caller's transaction: `claimedBy`'s claim given back (by `actorId`, null for the system),
 * escalated to staff the second time. The new status, or undefined when it was not theirs to give back.
 */
export async function releaseClaim(
  tx: Executor,
  now: number,
  before: Task,
  actorId: number | null,
  claimedBy: number,
  checkinUnanswered = false,
): Promise<'released' | 'escalated' | undefined> {
  const moved = await moveTask(tx, now, before.id, 'release', actorId, {
    claimedBy,
    checkinUnanswered,
    set: {
      claimed_by: null,
      claimed_at: null,
      started_at: null,
      checkin_due_at: null,
      checkin_sent_at: null,
      checkin_ok_at: null,
      released_count: before.released_count + 1,
    },
  });
  if (!moved) return undefined;
  if (before.released_count + 1 >= 2 && (await moveTask(tx, now, before.id, 'escalate', null))) return 'escalated';
  return 'released';
}

/** Claims that are due a check-in, and claims whose check-in went unanswered. */
export function checkinsDue(db: Executor, now: number): Promise<Task[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('status', '=', 'claimed')
    .where('checkin_sent_at', 'is', null)
    .where('checkin_due_at', '<=', now)
    .execute();
}

export function unansweredCheckins(db: Executor, now: number, releaseHours: number): Promise<Task[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('status', '=', 'claimed')
    .where('checkin_ok_at', 'is', null)
    .where('checkin_sent_at', '<=', now - releaseHours * 3_600_000)
    .execute();
}

/** Marks the check-in sent, once; the caller enqueues the message in the same transaction. */
export async function markCheckinSent(tx: Executor, now: number, taskId: number): Promise<boolean> {
  const r = await tx
    .updateTable('tasks')
    .set({ checkin_sent_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'claimed')
    .where('checkin_sent_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function answerCheckin(db: Executor, now: number, taskId: number, volunteerId: number): Promise<boolean> {
  const r = await db
    .updateTable('tasks')
    .set({ checkin_ok_at: now })
    .where('id', '=', taskId)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', volunteerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Minutes from Start to Done (0 when Done came without Start). */
export function measuredMinutes(task: Pick<Task, 'started_at'>, doneAt: number): number {
  return task.started_at === null ? 0 : Math.max(0, Math.round((doneAt - task.started_at) / 60_000));
}

/**
 * Completes a task: guarded move to done, the note and photo, and the volunteer's hours.
 * A correction beyond `limitMinutes` waits for the lead (approved = 0).
 */
export async function completeTask(
  db: Db,
  now: number,
  taskId: number,
  volunteerId: number,
  done: { note: string; photo?: string; correctedMinutes?: number },
  limitMinutes: number,
  then: (tx: Executor, task: Task, hoursId: number, needsApproval: boolean) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const before = await findTask(tx, taskId);
    if (!before) return false;
    const moved = await moveTask(tx, now, taskId, 'done', volunteerId, {
      claimedBy: volunteerId,
      set: { done_at: now, done_note: done.note, done_photo: done.photo ?? null },
    });
    if (!moved) return false;
    const minutes = measuredMinutes(before, now);
    const corrected = done.correctedMinutes ?? null;
    const needsApproval = corrected !== null && Math.abs(corrected - minutes) > limitMinutes;
    const { id } = await tx
      .insertInto('hours')
      .values({
        volunteer_id: volunteerId,
        community_id: before.community_id,
        task_id: taskId,
        shift_id: null,
        minutes,
        corrected_minutes: corrected,
        approved: needsApproval ? 0 : 1,
        at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await closeRequestIfFinished(tx, now, before.request_id);
    await then(tx, (await findTask(tx, taskId))!, Number(id), needsApproval);
    return true;
  });
}

/** A one-off request is closed when its task is done or cancelled; a recurring one stays active. */
async function closeRequestIfFinished(tx: Executor, now: number, requestId: number): Promise<void> {
  const recurring = await tx
    .selectFrom('recurrences')
    .select('id')
    .where('request_id', '=', requestId)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (recurring) return;
  const open = await tx
    .selectFrom('tasks')
    .select('id')
    .where('request_id', '=', requestId)
    .where('status', 'in', [...ACTIVE_STATUSES])
    .executeTakeFirst();
  if (!open)
    await tx
      .updateTable('help_requests')
      .set({ status: 'closed', updated_at: now })
      .where('id', '=', requestId)
      .where('status', '=', 'active')
      .execute();
}

/** The lead approves or refuses a large hours correction (refused: the measured minutes count). */
export async function decideHours(db: Executor, hoursId: number, approve: boolean): Promise<boolean> {
  const r = await db
    .updateTable('hours')
    .set(approve ? { approved: 1 } : { approved: 1, corrected_minutes: null })
    .where('id', '=', hoursId)
    .where('approved', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Cancels a request still waiting for approval, or its open task (only while nobody has claimed it). */
export async function cancelRequest(db: Db, now: number, requestId: number, by: number, mover: 'requester' | 'staff'): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    // Not approved yet: there is no task, and the guard is the request's own status.
    const waiting = await tx
      .updateTable('help_requests')
      .set({ status: 'cancelled', updated_at: now })
      .where('id', '=', requestId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(waiting.numUpdatedRows) === 0) {
      const tasks = await tx
        .selectFrom('tasks')
        .select('id')
        .where('request_id', '=', requestId)
        .where('status', 'in', [...TASK_MOVES.cancel.from])
        .execute();
      let cancelled = false;
      for (const t of tasks) cancelled = (await moveTask(tx, now, t.id, 'cancel', by)) || cancelled;
      // Its time passed unclaimed (no task waits any more): the request itself is what is cancelled.
      if (!cancelled && !(await cancelIdleRequest(tx, now, requestId))) return false;
      // A claimed occurrence of a recurring request goes on; the request ends after it.
      await tx.updateTable('recurrences').set({ active: 0 }).where('request_id', '=', requestId).execute();
      await tx
        .updateTable('help_requests')
        .set({ status: 'cancelled', updated_at: now })
        .where('id', '=', requestId)
        .where('status', '=', 'active')
        .execute();
    }
    await audit(tx, now, by, `help.cancel.${mover}`, `help:${requestId}`);
    return true;
  });
}

/** Cancels an approved request none of whose tasks still waits (its slot passed unclaimed): one guarded UPDATE. */
async function cancelIdleRequest(tx: Executor, now: number, requestId: number): Promise<boolean> {
  const r = await tx
    .updateTable('help_requests')
    .set({ status: 'cancelled', updated_at: now })
    .where('id', '=', requestId)
    .where('status', '=', 'active')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('tasks')
            .select('tasks.id')
            .whereRef('tasks.request_id', '=', 'help_requests.id')
            .where('tasks.status', 'in', [...ACTIVE_STATUSES]),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// --- A slot that passed unclaimed ----------------------------------------------------------

/** Unclaimed tasks whose time has passed: the window's end (or, without an end, its start) is behind us. */
export function expiredSlots(db: Executor, now: number): Promise<Task[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('status', 'in', [...TASK_MOVES.expire.from])
    .where((eb) => eb.or([eb('window_end', '<=', now), eb.and([eb('window_end', 'is', null), eb('window_start', '<=', now)])]))
    .execute();
}

/** Ends a task whose slot passed unclaimed, once (the guarded move); `then` asks the requester in the same transaction. */
export async function expireTask(
  db: Db,
  now: number,
  taskId: number,
  then: (tx: Executor, task: Task, request: HelpRequest) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if (!(await moveTask(tx, now, taskId, 'expire', null))) return false;
    const task = (await findTask(tx, taskId))!;
    await then(tx, task, (await findRequest(tx, task.request_id))!);
    return true;
  });
}

/** Whether the request's latest task ended because its time passed unclaimed (the system cancelled it). */
export function endedUnclaimed(request: Pick<HelpRequest, 'status'>, latest: Pick<Task, 'status' | 'claimed_by'> | undefined): boolean {
  return request.status === 'active' && latest?.status === 'cancelled' && latest.claimed_by === null;
}

/**
 * The requester re-posts a request whose slot passed, for a new time (never the past one). The
 * UPDATE on the request takes its row first, so of two presses at once the second sees the first's
 * task and makes none. Undefined when it is not theirs, no longer active, or already re-posted.
 */
export async function repostRequest(
  db: Db,
  now: number,
  requestId: number,
  requesterId: number,
  window: { start: number | null; end: number | null; urgent: boolean },
  post: (tx: Executor, task: Task, request: HelpRequest) => Promise<void>,
): Promise<Task | undefined> {
  if (window.end !== null && window.end <= now) return undefined;
  return db.transaction().execute(async (tx) => {
    const locked = await tx
      .updateTable('help_requests')
      .set({ updated_at: now, urgent: window.urgent ? 1 : 0, window_start: window.start, window_end: window.end })
      .where('id', '=', requestId)
      .where('status', '=', 'active')
      .where('requester_id', '=', requesterId)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) === 0) return undefined;
    const waiting = await tx
      .selectFrom('tasks')
      .select('id')
      .where('request_id', '=', requestId)
      .where('status', 'in', [...ACTIVE_STATUSES])
      .executeTakeFirst();
    if (waiting) return undefined;
    const request = (await findRequest(tx, requestId))!;
    const task = await createTask(tx, now, request, window.start, window.end);
    await audit(tx, now, requesterId, 'help.repost', `help:${requestId}`);
    await post(tx, task, request);
    return task;
  });
}

// --- A request's history, for /myrequests ----------------------------------------------------

export interface RequestHistory {
  events: { task_id: number; kind: TaskStatus; actor_id: number | null; at: number }[];
  /** Every task of the request, oldest first (their done notes and photos). */
  tasks: Task[];
}

/** Each step of each of the request's tasks, oldest first. */
export async function requestHistory(db: Executor, requestId: number): Promise<RequestHistory> {
  const tasks = await db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
  const events = tasks.length
    ? await db
        .selectFrom('task_events')
        .select(['task_id', 'kind', 'actor_id', 'at'])
        .where(
          'task_id',
          'in',
          tasks.map((t) => t.id),
        )
        .orderBy('at')
        .orderBy('id')
        .execute()
    : [];
  return { events, tasks };
}

// --- Assigned privately (mediation, legal advice) -------------------------------------------

/** The team's approved members, for a lead to assign a private task to. */
export async function assignableMembers(db: Executor, communityId: string, teamId: string): Promise<{ id: number; first_name: string }[]> {
  return db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.id', 'users.first_name'])
    .where('team_members.community_id', '=', communityId)
    .where('team_members.team_id', '=', teamId)
    .where('team_members.status', '=', 'approved')
    .orderBy('team_members.id')
    .execute();
}

export async function addNote(db: Executor, now: number, requestId: number, note: string): Promise<void> {
  const r = await findRequest(db, requestId);
  if (!r) return;
  await db
    .updateTable('help_requests')
    .set({ notes: r.notes ? `${r.notes}\n${note}` : note, updated_at: now })
    .where('id', '=', requestId)
    .execute();
}

/** A voice note added later: kept as a row of its own, and `line` (e.g. "🎤 0:12") in the notes every view shows. */
export async function addVoiceNote(db: Executor, now: number, requestId: number, voice: VoiceNote, line: string): Promise<void> {
  await db
    .insertInto('help_voice_notes')
    .values({ request_id: requestId, file_id: voice.fileId, seconds: voice.seconds, at: now })
    .execute();
  await addNote(db, now, requestId, line);
}

/** Everything the requester said aloud about a request: the details' voice note first, then the later ones. */
export async function voicesOf(db: Executor, request: HelpRequest): Promise<VoiceNote[]> {
  const notes = await db
    .selectFrom('help_voice_notes')
    .select(['file_id', 'seconds'])
    .where('request_id', '=', request.id)
    .orderBy('id')
    .execute();
  const first = voiceOf(request);
  return [...(first ? [first] : []), ...notes.map((n) => ({ fileId: n.file_id, seconds: n.seconds }))];
}

/** Records a rating once per task; only the requester of a done task may rate. */
export async function rateTask(db: Executor, now: number, taskId: number, raterId: number, score: number): Promise<boolean> {
  const task = await findTask(db, taskId);
  const request = task && (await findRequest(db, task.request_id));
  if (!task || !request || task.status !== 'done' || request.requester_id !== raterId || score < 1 || score > 5) return false;
  const r = await db
    .insertInto('ratings')
    .values({ task_id: taskId, community_id: task.community_id, rater_id: raterId, score, comment: null, created_at: now })
    .onConflict((oc) => oc.column('task_id').doNothing())
    .executeTakeFirst();
  const recorded = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  // Staff pressed the person's answer given by phone: the audit says whose answer it was.
  if (recorded && filedByStaffFor(request))
    await audit(db, now, raterId, 'help.rate.on_behalf', `task:${taskId}`, { name: request.on_behalf_name, score });
  return recorded;
}

export async function commentRating(db: Executor, taskId: number, raterId: number, comment: string): Promise<void> {
  await db.updateTable('ratings').set({ comment }).where('task_id', '=', taskId).where('rater_id', '=', raterId).execute();
}

/** A requester's requests with the status of each one's latest task, newest first. */
export async function requestsOf(db: Executor, requesterId: number, limit = 10): Promise<(HelpRequest & { task: Task | undefined })[]> {
  const requests = await db
    .selectFrom('help_requests')
    .selectAll()
    .where('requester_id', '=', requesterId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const out = [];
  for (const r of requests) {
    const task = await db.selectFrom('tasks').selectAll().where('request_id', '=', r.id).orderBy('id', 'desc').executeTakeFirst();
    out.push({ ...r, task });
  }
  return out;
}

/** A volunteer's claimed and started tasks. */
export function tasksOf(db: Executor, volunteerId: number): Promise<Task[]> {
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('claimed_by', '=', volunteerId)
    .where('status', 'in', ['claimed', 'started'])
    .orderBy('id')
    .execute();
}

/** The minutes that count: the approved correction if any, else the measured time. */
export function countedMinutes(h: { minutes: number; corrected_minutes: number | null; approved: number }): number {
  return h.approved && h.corrected_minutes !== null ? h.corrected_minutes : h.minutes;
}

export function hoursOf(db: Executor, volunteerId: number) {
  return db.selectFrom('hours').selectAll().where('volunteer_id', '=', volunteerId).orderBy('at').execute();
}

// --- Recurring requests --------------------------------------------------------------------

/**
 * Makes a request repeat weekly or monthly (or stops it). The next task is made by the job. Only
 * an approved request repeats, and its approval covers every occurrence.
 */
export async function setRecurrence(
  db: Executor,
  now: number,
  requestId: number,
  every: 'week' | 'month' | 'off',
  by: number,
  nextAt: number,
): Promise<boolean> {
  const request = await findRequest(db, requestId);
  if (!request || (request.status !== 'active' && request.status !== 'closed')) return false;
  if (every === 'off') {
    await db.updateTable('recurrences').set({ active: 0 }).where('request_id', '=', requestId).execute();
  } else {
    await db
      .insertInto('recurrences')
      .values({ request_id: requestId, every, next_at: nextAt, active: 1, created_by: by, created_at: now })
      .onConflict((oc) => oc.column('request_id').doUpdateSet({ every, next_at: nextAt, active: 1 }))
      .execute();
    await db.updateTable('help_requests').set({ status: 'active', updated_at: now }).where('id', '=', requestId).execute();
  }
  await audit(db, now, by, 'help.recur', `help:${requestId}`, { every });
  return true;
}

/** Recurrences whose next occurrence is within `leadMs` of now. */
export function recurrencesDue(db: Executor, now: number, leadMs: number) {
  return db
    .selectFrom('recurrences')
    .selectAll()
    .where('active', '=', 1)
    .where('next_at', '<=', now + leadMs)
    .execute();
}

/**
 * Makes the next occurrence's task. Moving next_at is the guard: of two processes running the
 * job, only the one whose UPDATE still sees the old next_at makes the task.
 */
export async function createOccurrence(
  db: Db,
  now: number,
  rec: { id: number; request_id: number; next_at: number },
  nextAt: number,
  post: (tx: Executor, task: Task, request: HelpRequest) => Promise<void>,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const moved = await tx
      .updateTable('recurrences')
      .set({ next_at: nextAt })
      .where('id', '=', rec.id)
      .where('next_at', '=', rec.next_at)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return false;
    const request = await findRequest(tx, rec.request_id);
    // Approved once for the series: each occurrence goes straight to the group.
    if (!request || request.status !== 'active') return false;
    const length = request.window_start !== null && request.window_end !== null ? request.window_end - request.window_start : 0;
    const task = await createTask(tx, now, request, rec.next_at, length ? rec.next_at + length : null);
    await post(tx, task, request);
    return true;
  });
}

// --- For the weekly summary ------------------------------------------------------------------

/** Requests filed and tasks claimed, done and released in [from, to). */
export async function helpCounts(
  db: Executor,
  communityId: string,
  from: number,
  to: number,
): Promise<{ newRequests: number; claimed: number; done: number; released: number; escalated: number }> {
  const requests = await db
    .selectFrom('help_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', '=', communityId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('task_events')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('community_id', '=', communityId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .groupBy('kind')
    .execute();
  const n = (kind: TaskStatus) => Number(events.find((e) => e.kind === kind)?.n ?? 0);
  return { newRequests: Number(requests.n), claimed: n('claimed'), done: n('done'), released: n('released'), escalated: n('escalated') };
}

/** A community's hours rows with the team each counts for (its task's or its shift's), to narrow further. */
export function hoursWithTeam(db: Executor, communityId: string) {
  return db
    .selectFrom('hours')
    .leftJoin('tasks', 'tasks.id', 'hours.task_id')
    .leftJoin('shifts', 'shifts.id', 'hours.shift_id')
    .select([
      'hours.volunteer_id',
      'hours.minutes',
      'hours.corrected_minutes',
      'hours.approved',
      'hours.at',
      'hours.task_id',
      'hours.shift_id',
      'tasks.team_id as task_team',
      'shifts.team_id as shift_team',
    ])
    .where('hours.community_id', '=', communityId);
}

/** Counted hours per volunteer in [from, to), most first. */
export async function hoursByVolunteer(
  db: Executor,
  communityId: string,
  from: number,
  to: number,
): Promise<{ volunteerId: number | null; minutes: number }[]> {
  const rows = await db
    .selectFrom('hours')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .execute();
  const sums = new Map<number | null, number>();
  for (const h of rows) sums.set(h.volunteer_id, (sums.get(h.volunteer_id) ?? 0) + countedMinutes(h));
  return [...sums].map(([volunteerId, minutes]) => ({ volunteerId, minutes })).sort((a, b) => b.minutes - a.minutes);
}

/** Help ratings in [from, to), each marked when staff recorded it by phone for the person helped. */
export async function helpRatingsIn(
  db: Executor,
  communityId: string,
  from: number,
  to: number,
): Promise<{ score: number; created_at: number; onBehalf: boolean }[]> {
  const rows = await db
    .selectFrom('ratings')
    .innerJoin('tasks', 'tasks.id', 'ratings.task_id')
    .innerJoin('help_requests', 'help_requests.id', 'tasks.request_id')
    .select([
      'ratings.score',
      'ratings.created_at',
      'help_requests.on_behalf_name',
      'help_requests.requester_id',
      'help_requests.decided_by',
    ])
    .where('ratings.community_id', '=', communityId)
    .where('ratings.created_at', '>=', from)
    .where('ratings.created_at', '<', to)
    .execute();
  return rows.map((r) => ({ score: r.score, created_at: r.created_at, onBehalf: filedByStaffFor(r) }));
}

/**
 * Ratings in [from, to): how many, and how many were 4 or 5 (the 满意率). Ratings staff recorded
 * by phone for someone they filed for are kept apart (onBehalf…): the rate is the residents' own.
 */
export async function ratingCounts(
  db: Executor,
  communityId: string,
  from: number,
  to: number,
): Promise<{ rated: number; satisfied: number; low: number; onBehalfRated: number; onBehalfSatisfied: number }> {
  const all = await helpRatingsIn(db, communityId, from, to);
  const own = all.filter((r) => !r.onBehalf);
  const onBehalf = all.filter((r) => r.onBehalf);
  return {
    rated: own.length,
    satisfied: own.filter((r) => r.score >= 4).length,
    low: own.filter((r) => r.score <= 2).length,
    onBehalfRated: onBehalf.length,
    onBehalfSatisfied: onBehalf.filter((r) => r.score >= 4).length,
  };
}
