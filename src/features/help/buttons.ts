import { callbackCodec } from '../../bot/callback';
import { DECLINE_REASONS } from '../../domain/help-approval';

/** The help feature's buttons, one codec per kind. */

// Prefixes start with "p" (pitch in): the hazards feature uses "h…".
export const claimButton = callbackCodec('pc', { task: 'id' });
/** Claimer's buttons in private: s start, d done, r release, u can't reach them, k check-in "still on it". */
export const taskButton = callbackCodec('pt', { task: 'id', act: ['s', 'd', 'r', 'u', 'k'] });
export const rateButton = callbackCodec('pr', { task: 'id', score: 'int' });
/** A sign-up decision: yes 1 approves, anything else declines. */
export const memberButton = callbackCodec('pv', { member: 'id', yes: 'int' });
/** A large hours correction: yes 1 approves, anything else declines. */
export const hoursButton = callbackCodec('ph', { hours: 'id', yes: 'int' });
/** Staff on an escalated task: p post again, c cancel. */
export const staffTaskButton = callbackCodec('px', { task: 'id', act: ['p', 'c'] });
/** /myrequests (and the "time passed" question): c cancel, n add a note, t re-post for a new time. */
export const myRequestButton = callbackCodec('pm', { request: 'id', act: ['c', 'n', 't'] });
/** A lead assigns a privately offered task (mediation, legal advice) to a member of the team. */
export const assignButton = callbackCodec('pg', { task: 'id', to: 'id' });
/** Staff on a request waiting for approval: y approve, n decline (shows reasons), i details privately, b back. */
export const approvalButton = callbackCodec('pa', { request: 'id', act: ['y', 'n', 'i', 'b'] });
/** A decline reason: a preset code, or w to write one. */
export const declineButton = callbackCodec('pd', { request: 'id', reason: [...DECLINE_REASONS, 'w'] });
export const joinShiftButton = callbackCodec('pj', { shift: 'id' });
export const leaveShiftButton = callbackCodec('pl', { shift: 'id' });
/** The lead taps a member: came ↔ did not come. */
export const attendanceMarkButton = callbackCodec('pw', { shift: 'id', user: 'id' });
/** The lead confirms the list. */
export const attendanceConfirmButton = callbackCodec('pk', { shift: 'id' });
/** A member of a team without a lead answers for themselves: came 1 yes, 0 no. */
export const attendanceOwnButton = callbackCodec('pq', { shift: 'id', came: 'int' });
