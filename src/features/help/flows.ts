import { declineFlow } from '../../../flows/help/decline';
import { doneFlow } from '../../../flows/help/done';
import { noteFlow } from '../../../flows/help/note';
import { rateCommentFlow } from '../../../flows/help/rate-comment';
import { repostFlow, requestFlow } from '../../../flows/help/request';
import { shiftFlow } from '../../../flows/help/shift';
import { volunteerFlow } from '../../../flows/help/volunteer';
import type { CoreDeps } from '../../deps';
import type { HelpServices } from './services';

/** The help feature's conversations, each built once: the same object is registered and started. */

export type HelpFlows = ReturnType<typeof helpFlows>;

export function helpFlows(deps: CoreDeps, s: HelpServices) {
  return {
    request: requestFlow(deps, s),
    repost: repostFlow(deps, s),
    volunteer: volunteerFlow(deps, s),
    shift: shiftFlow(deps, s),
    done: doneFlow(deps, s),
    note: noteFlow(deps, s),
    rateComment: rateCommentFlow(deps),
    decline: declineFlow(deps, s),
  };
}
