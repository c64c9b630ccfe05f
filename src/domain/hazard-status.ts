import type { ReportStatus } from '../store/schema/hazards';

/**
 * The one state machine of a hazard report. Handlers, keyboards ("which buttons does staff
 * see now?"), scheduled jobs and the weekly summary all read this table; nothing else decides
 * whether a move is allowed.
 */

export type { ReportStatus };

export const STATUSES: readonly ReportStatus[] = [
  'new',
  'acknowledged',
  'assigned',
  'in_progress',
  'handed_up',
  'reopened',
  'fixed',
  'closed',
  'rejected',
  'withdrawn',
];

/** Who may make a move: staff of the report's community, its reporter, or the scheduler. */
export type Mover = 'staff' | 'reporter' | 'system';

export interface Transition {
  from: readonly ReportStatus[];
  to: ReportStatus;
  by: Mover;
  /** A note is required (a fix note, a reason, a reference). */
  needsNote?: boolean;
}

export const TRANSITIONS = {
  acknowledge: { from: ['new', 'reopened'], to: 'acknowledged', by: 'staff' },
  assign: { from: ['new', 'acknowledged', 'assigned', 'reopened'], to: 'assigned', by: 'staff' },
  start: { from: ['acknowledged', 'assigned', 'reopened'], to: 'in_progress', by: 'staff' },
  fix: { from: ['acknowledged', 'assigned', 'in_progress', 'handed_up', 'reopened'], to: 'fixed', by: 'staff', needsNote: true },
  reject: { from: ['new', 'acknowledged', 'assigned', 'handed_up', 'reopened'], to: 'rejected', by: 'staff', needsNote: true },
  hand_up: { from: ['new', 'acknowledged', 'assigned', 'in_progress', 'reopened'], to: 'handed_up', by: 'staff', needsNote: true },
  // "While still unhandled": once staff acknowledged it, the reporter talks to them instead.
  withdraw: { from: ['new'], to: 'withdrawn', by: 'reporter' },
  confirm: { from: ['fixed'], to: 'closed', by: 'reporter' },
  reopen: { from: ['fixed'], to: 'reopened', by: 'reporter' },
  auto_close: { from: ['fixed'], to: 'closed', by: 'system' },
} as const satisfies Record<string, Transition>;

export type Action = keyof typeof TRANSITIONS;
export const ACTIONS = Object.keys(TRANSITIONS) as Action[];

export function isAction(value: string): value is Action {
  return Object.hasOwn(TRANSITIONS, value);
}

export function canMove(action: Action, from: ReportStatus): boolean {
  return (TRANSITIONS[action].from as readonly ReportStatus[]).includes(from);
}

/** The moves a kind of mover has from a status, in table order: the staff card's buttons. */
export function movesFrom(status: ReportStatus, by: Mover): Action[] {
  return ACTIONS.filter((a) => TRANSITIONS[a].by === by && canMove(a, status));
}

/** Nothing more happens to these. */
export const FINAL_STATUSES: readonly ReportStatus[] = ['closed', 'rejected', 'withdrawn'];
/** Still someone's job: counted as open, shown in the queue, offered for "same issue". */
export const OPEN_STATUSES: readonly ReportStatus[] = STATUSES.filter((s) => s !== 'fixed' && !FINAL_STATUSES.includes(s));
/** Waiting for staff to acknowledge (the acknowledgement SLA runs). */
export const UNACKNOWLEDGED_STATUSES: readonly ReportStatus[] = ['new'];
/** Waiting for a fix by us (the fix SLA runs). A report handed upward waits on someone else. */
export const AWAITING_FIX_STATUSES: readonly ReportStatus[] = ['new', 'acknowledged', 'assigned', 'in_progress', 'reopened'];
/** Counted as resolved by the committee's rates. */
export const RESOLVED_STATUSES: readonly ReportStatus[] = ['fixed', 'closed'];
