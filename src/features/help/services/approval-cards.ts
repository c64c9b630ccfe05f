import { MINUTE } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import { gridPersonOf } from '../../../domain/grid';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import type { HelpRequest } from '../../../domain/help';
import type { Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { approvalCardText, approvalQuestion, approvalRef, approvalVoiceRef, pendingKeyboard, writeReasonKeyboard } from '../views/approval';
import type { HelpText } from '../views/text';
import { voiceMessages } from './cards';
import type { Notices } from './notices';

/**
 * The approval card's copies: it goes where other things needing staff go (the committee group,
 * else each staff member privately), a private copy on request; once decided, every copy is
 * brought up to date.
 */

export type ApprovalCards = ReturnType<typeof approvalCards>;

export function approvalCards(deps: Pick<CoreDeps, 'db' | 'users' | 'sender' | 'communities'>, h: HelpText, notices: Notices) {
  const { db, users } = deps;

  const nameOf = async (tx: Executor, userId: number | null) =>
    userId === null
      ? undefined
      : (await tx.selectFrom('users').select('first_name').where('id', '=', userId).executeTakeFirst())?.first_name;

  /** The card staff decide on, for the group or (naming the requester) for one staff member. */
  const cardText = async (tx: Executor, request: HelpRequest, locale: Locale, inGroup: boolean, status: string) =>
    approvalCardText(
      h,
      request,
      locale,
      inGroup ? { inGroup } : { inGroup, requesterName: await nameOf(tx, request.requester_id) },
      status,
    );

  /**
   * Posts the approval card for staff, the requester's voice notes under it: the card shows the
   * details wherever it goes (the committee group too), so their voice goes with it. The team
   * group's card never shows the details, so no voice ever goes there. A reminder says how long it has waited.
   */
  const post = async (tx: Executor, now: number, request: HelpRequest, waitedHours?: number, toStaff = false) => {
    // A new request of a building with a grid worker goes to them first, privately (issue 18).
    const worker = waitedHours || toStaff ? undefined : await gridPersonOf(tx, request.community_id, request.building_id, 'worker');
    if (worker) return toGridWorker(tx, now, request, worker);
    return notices.toStaff(
      tx,
      now,
      request.community_id,
      async (locale, inGroup) => ({
        text:
          (waitedHours ? `${h.t(locale, 'approval_reminder', { hours: waitedHours })}\n\n` : '') +
          (await cardText(tx, request, locale, inGroup, approvalQuestion(h, request, locale))),
        keyboard: pendingKeyboard(h, request, locale, inGroup),
        follow: { messages: await voiceMessages(h, tx, request, locale), ref: approvalVoiceRef(request.id) },
      }),
      approvalRef(request.id),
    );
  };

  /** The grid worker's private card; staff get it after settings.gridAckMinutes undecided (approvals.fallBackToStaff). */
  const toGridWorker = async (tx: Executor, now: number, request: HelpRequest, worker: number) => {
    const due = now + deps.communities.settings.gridAckMinutes * MINUTE;
    await tx.updateTable('help_requests').set({ responder_id: worker, group_due_at: due }).where('id', '=', request.id).execute();
    await privateCopy(tx, now, request, worker);
  };

  const privateCopy = async (tx: Executor, now: number, request: HelpRequest, staffId: number) => {
    const locale = await users.localeOf(staffId, tx);
    await enqueue(tx, now, {
      chatId: staffId,
      text: await cardText(tx, request, locale, false, approvalQuestion(h, request, locale)),
      keyboard: pendingKeyboard(h, request, locale, false),
      priority: PRIORITY.personal,
      ref: approvalRef(request.id),
    });
    const voices = await voiceMessages(h, tx, request, locale);
    await enqueue(
      tx,
      now,
      ...voices.map((m) => ({ chatId: staffId, ...m, priority: PRIORITY.personal, ref: approvalVoiceRef(request.id) })),
    );
  };

  /** One copy for one staff member's private chat, with the person's details. */
  const postPrivately = async (now: number, request: HelpRequest, staffId: number) => {
    await db.transaction().execute((tx) => privateCopy(tx, now, request, staffId));
    deps.sender.poke();
  };

  /** What the loser of a race (or a late press) is told: who handled it first, and how. */
  const refusalText = async (request: HelpRequest | undefined, locale: Locale) => {
    if (!request) return h.common(locale, 'common.stale_button');
    if (request.status === 'cancelled') return h.t(locale, 'approval_already_cancelled');
    const name = (await nameOf(db, request.decided_by)) ?? '—';
    return h.t(locale, request.status === 'declined' ? 'approval_already_declined' : 'approval_already_approved', { name });
  };

  /** Pressed in a group: the reason is written in the staff member's private chat, from a button sent there. */
  const askForOwnReason = async (now: number, request: HelpRequest, staffId: number, locale: Locale) => {
    await enqueue(db, now, {
      chatId: staffId,
      text: h.t(locale, 'decline_continue', { id: request.id }),
      keyboard: writeReasonKeyboard(h, request, locale),
      priority: PRIORITY.personal,
    });
    deps.sender.poke();
  };

  return { cardText, post, postPrivately, refusalText, askForOwnReason };
}
