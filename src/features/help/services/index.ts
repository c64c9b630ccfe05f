import type { CoreDeps } from '../../../deps';
import { helpText } from '../views/text';
import { approvalCards } from './approval-cards';
import { approvalService } from './approvals';
import { taskCards } from './cards';
import { claimService } from './claims';
import { completionService } from './completion';
import { feedbackService } from './feedback';
import { helpNotices } from './notices';
import { recurrenceService } from './recurrence';
import { expiryService } from './expiry';
import { requesterNotices } from './requester';
import { requestService } from './requests';
import { shiftService } from './shifts';
import { staffTaskService } from './staff-tasks';
import { volunteerService } from './volunteers';

/** The help feature's application services, built once per app: what happens on a change. No telegraf here. */

export type HelpServices = ReturnType<typeof helpServices>;

export function helpServices(deps: CoreDeps) {
  const text = helpText(deps);
  const notices = helpNotices(deps, text);
  const cards = taskCards(text, notices);
  const approvalCopies = approvalCards(deps, text, notices);
  const approvals = approvalService(deps, text, notices, cards, approvalCopies);
  const requester = requesterNotices(deps, text, notices, cards);
  return {
    text,
    notices,
    cards,
    approvalCards: approvalCopies,
    approvals,
    requests: requestService(deps, text, notices, cards, approvalCopies, approvals),
    recurrence: recurrenceService(deps, text, cards),
    claims: claimService(deps, text, notices, cards, requester),
    expiry: expiryService(deps, text, notices, cards),
    staffTasks: staffTaskService(deps, text, notices, cards),
    feedback: feedbackService(deps, text, notices),
    completion: completionService(deps, text, notices, cards),
    volunteers: volunteerService(deps, text, notices),
    shifts: shiftService(deps, text, notices, cards),
  };
}
