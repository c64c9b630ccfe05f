import { callbackCodec } from '../../bot/callback';
import { FIX_ANSWERS, REJECT_REASONS, type QueueFilter } from '../../domain/hazards';
import { ACTIONS, STATUSES, TRANSITIONS } from '../../domain/hazard-status';

/** The hazard buttons' payloads: one codec per kind of button, typed from the domain's own tables. */

/** The moves staff make on a card, in the state machine's order. */
export const STAFF_MOVES = ACTIONS.filter((a) => TRANSITIONS[a].by === 'staff');
/** The queue's status filter steps through these. */
export const STATUS_CYCLE: readonly QueueFilter['status'][] = ['open', ...STATUSES, 'all'];
/** What a resident does with one of their own reports: open it, add a note or photo, withdraw it. */
export const MINE_OPS = ['o', 'n', 'w'] as const;

/** A staff move pressed on a card or a page (some open a sub-menu or a private flow). */
export const staffButton = callbackCodec('hs', { action: STAFF_MOVES, id: 'id' });
/** Assign to a team (t: a team id) or a staff member (s: a user id). */
export const assignButton = callbackCodec('ha', { id: 'id', kind: ['t', 's'], target: 'str' });
/** Reject with a reason; dup is the report it duplicates (0 otherwise). */
export const rejectButton = callbackCodec('hr', { id: 'id', reason: REJECT_REASONS, dup: 'int' });
/** Back from a sub-menu to the card's buttons. */
export const cardBackButton = callbackCodec('hb', { id: 'id' });
/** A resident's own report: open (o), withdraw (w), add a note or photo (n). */
export const mineButton = callbackCodec('hm', { op: MINE_OPS, id: 'id' });
/** "Is it fixed?" yes / partly / no. */
export const fixedButton = callbackCodec('hf', { id: 'id', answer: FIX_ANSWERS });
/** The 1–5 satisfaction rating. */
export const ratingButton = callbackCodec('hq', { id: 'id', stars: 'int' });
/** The staff queue: filters and page (cat and com empty for "all"). */
export const queueButton = callbackCodec('hl', { status: STATUS_CYCLE, cat: 'str', com: 'str', overdue: ['0', '1'], page: 'int' });
/** Open one report of the queue as a card in the private chat. */
export const openCardButton = callbackCodec('ho', { id: 'id' });
