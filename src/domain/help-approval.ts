import { HOUR } from '../clock';
import type { Db, Executor } from '../store/db';
import { audit } from './audit';
import { createTask, findRequest, type HelpRequest, type Task } from './help';

/**
 * Staff approve a resident's help request before it reaches a team group. A request is
 * 'pending' until one staff member approves it (it becomes 'active' and gets its first task)
 * or declines it with a reason. Each decision is one guarded UPDATE from 'pending', so of two
 * staff pressing at once exactly one decides and the other is told who did.
 */

/** Reasons staff may pick when declining; anything else is written in their own words. */
export const DECLINE_REASONS = ['not_offered', 'duplicate', 'staff_contact'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export function isPresetReason(reason: string | null): reason is DeclineReason {
  return (DECLINE_REASONS as readonly string[]).includes(reason ?? '');
}

/** A request waiting this long gets one reminder to staff: sooner when it is urgent. */
export const APPROVAL_REMINDER_HOURS = { urgent: 1, normal: 4 } as const;

export type Decision<T> = { ok: true; request: HelpRequest } & T;
/** The loser of a race (or a stale press) learns how the request stands now. */
export type Refusal = { ok: false; request: HelpRequest | undefined };

async function decide(
  tx: Executor,
  now: number,
  requestId: number,
  staffId: number,
  to: 'active' | 'declined',
  reason: string | null,
): Promise<boolean> {
  const r = await tx
    .updateTable('help_requests')
    .set({ status: to, decided_by: staffId, decided_at: now, decline_reason: reason, updated_at: now })
    .where('id', '=', requestId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Approves a pending request: its first task is made and `post` enqueues the team card, all in one transaction. */
export async function approveRequest(
  db: Db,
  now: number,
  requestId: number,
  staffId: number,
  post: (tx: Executor, task: Task, request: HelpRequest) => Promise<void>,
): Promise<Decision<{ task: Task }> | Refusal> {
  return db.transaction().execute(async (tx) => {
    if (!(await decide(tx, now, requestId, staffId, 'active', null)))
      return { ok: false as const, request: await findRequest(tx, requestId) };
    const request = (await findRequest(tx, requestId))!;
    const task = await createTask(tx, now, request, request.window_start, request.window_end);
    await audit(tx, now, staffId, 'help.approve', `help:${requestId}`);
    await post(tx, task, request);
    return { ok: true as const, request, task };
  });
}

/** Declines a pending request with a preset reason's code or staff's own words; `then` tells the requester. */
export async function declineRequest(
  db: Db,
  now: number,
  requestId: number,
  staffId: number,
  reason: string,
  then: (tx: Executor, request: HelpRequest) => Promise<void>,
): Promise<Decision<object> | Refusal> {
  return db.transaction().execute(async (tx) => {
    if (!(await decide(tx, now, requestId, staffId, 'declined', reason)))
      return { ok: false as const, request: await findRequest(tx, requestId) };
    const request = (await findRequest(tx, requestId))!;
    await audit(tx, now, staffId, 'help.decline', `help:${requestId}`, { preset: isPresetReason(reason) ? reason : null });
    await then(tx, request);
    return { ok: true as const, request };
  });
}

/** Requests waiting for approval longer than their reminder time, not yet reminded. */
export async function approvalsOverdue(db: Executor, now: number): Promise<HelpRequest[]> {
  const rows = await db
    .selectFrom('help_requests')
    .selectAll()
    .where('status', '=', 'pending')
    .where('approval_reminded_at', 'is', null)
    .where('created_at', '<=', now - Math.min(APPROVAL_REMINDER_HOURS.urgent, APPROVAL_REMINDER_HOURS.normal) * HOUR)
    .orderBy('id')
    .execute();
  return rows.filter((r) => r.created_at <= now - (r.urgent ? APPROVAL_REMINDER_HOURS.urgent : APPROVAL_REMINDER_HOURS.normal) * HOUR);
}

/** Marks the reminder sent, once: of two processes running the job, one reminds. */
export async function markApprovalReminded(tx: Executor, now: number, requestId: number): Promise<boolean> {
  const r = await tx
    .updateTable('help_requests')
    .set({ approval_reminded_at: now })
    .where('id', '=', requestId)
    .where('status', '=', 'pending')
    .where('approval_reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
