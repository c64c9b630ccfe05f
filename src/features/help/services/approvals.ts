import { HOUR } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import type { HelpRequest } from '../../../domain/help';
import { groupLocaleOf } from '../../../domain/chat-links';
import { approvalsOverdue, approveRequest, declineRequest, markApprovalReminded, type Refusal } from '../../../domain/help-approval';
import { approvalEditRef, approvalRef, approvedLine, declinedLine, reasonText, type Staff } from '../views/approval';
import { requestParams } from '../views/tasks';
import type { Locale } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { HelpText } from '../views/text';
import type { ApprovalCards } from './approval-cards';
import type { Cards } from './cards';
import { editCopies, type Pressed } from './copies';
import type { Notices } from './notices';

/**
 * Staff approve a resident's request before it reaches a team group. Whoever decides first wins;
 * every other copy of the card is then brought up to date.
 */

export type ApprovalOutcome = { ok: true; request: HelpRequest } | Refusal;
export type Approvals = ReturnType<typeof approvalService>;

export function approvalService(
  deps: Pick<CoreDeps, 'db' | 'users' | 'sender'>,
  h: HelpText,
  notices: Notices,
  cards: Cards,
  approvalCards: ApprovalCards,
) {
  const { db, users } = deps;

  /**
   * Once decided (or cancelled), every copy of the card says so and loses its buttons: copies not
   * sent yet are dropped, sent ones are edited, except the one pressed (edited in place).
   */
  const settle = async (tx: Executor, now: number, request: HelpRequest, status: (locale: Locale) => string, pressed?: Pressed) => {
    const ref = approvalRef(request.id);
    await tx.updateTable('outbox').set({ status: 'cancelled' }).where('ref', '=', ref).where('status', '=', 'pending').execute();
    const render = async (chatId: number) => {
      const inGroup = chatId < 0;
      const locale = inGroup ? await groupLocaleOf(tx, chatId, h.defaultLocale) : await users.localeOf(chatId, tx);
      return { text: await approvalCards.cardText(tx, request, locale, inGroup, status(locale)) };
    };
    await editCopies(tx, now, ref, render, { except: pressed, editRef: approvalEditRef(request.id) });
  };

  /** Approve: the team card (exactly as a staff-filed request gets it), the requester told, the cards settled. */
  const approve = async (now: number, requestId: number, staff: Staff, pressed?: Pressed): Promise<ApprovalOutcome> => {
    const result = await approveRequest(db, now, requestId, staff.id, async (tx, task, request) => {
      await cards.postOrTellStaff(tx, now, task, request);
      if (request.requester_id !== null && request.requester_id !== staff.id)
        await notices.notifyUser(
          tx,
          now,
          request.requester_id,
          'request_approved',
          requestParams(h, request, (l) => ({ team: h.teamOf(request, l) })),
        );
      await settle(tx, now, request, approvedLine(h, request, staff), pressed);
    });
    deps.sender.poke();
    return result;
  };

  /** Decline with a preset reason's code or staff's words: the requester told kindly, the cards settled. */
  const decline = async (now: number, requestId: number, staff: Staff, reason: string, pressed?: Pressed): Promise<ApprovalOutcome> => {
    const result = await declineRequest(db, now, requestId, staff.id, reason, async (tx, request) => {
      if (request.requester_id !== null && request.requester_id !== staff.id) {
        const params = requestParams(h, request, (l) => ({ reason: reasonText(h, reason, l) }));
        await notices.notifyUser(tx, now, request.requester_id, 'request_declined', params);
      }
      await settle(tx, now, request, declinedLine(h, request, staff), pressed);
    });
    deps.sender.poke();
    return result;
  };

  /** Job: a request left waiting too long gets a fresh card (the first may have scrolled away), once. */
  const remindOverdue = async (now: number) => {
    for (const request of await approvalsOverdue(db, now)) {
      await db.transaction().execute(async (tx) => {
        if (await markApprovalReminded(tx, now, request.id))
          await approvalCards.post(tx, now, request, Math.max(1, Math.round((now - request.created_at) / HOUR)));
      });
    }
    deps.sender.poke();
  };

  return { approve, decline, settle, remindOverdue };
}
