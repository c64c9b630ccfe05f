import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { formatMinutes } from '../../../domain/help-time';
import { createShift, creditEndedShifts, findShift, joinShift, leaveShift, type JoinResult, type Shift } from '../../../domain/shifts';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { leaveShiftKeyboard, shiftCardRef, shiftCardText, shiftJoinedParams, shiftKeyboard } from '../views/shifts';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/** Patrol shifts: posted to the team group, joined there, left privately ("can't make it" re-posts it), credited when over. */

export type Shifts = ReturnType<typeof shiftService>;

export type NewShift = Parameters<typeof createShift>[2];

export function shiftService(deps: Pick<CoreDeps, 'db' | 'sender'>, h: HelpText, notices: Notices, cards: Cards) {
  const { db } = deps;
  const G = h.groupLocale;

  /** Posts a shift's card to its team's group (or the committee's), through the outbox. */
  const post = async (tx: Executor, now: number, shift: Shift, reposted = false): Promise<boolean> => {
    const chatId = await cards.cardChat(tx, shift.community_id, shift.team_id);
    if (chatId === undefined) return false;
    const text = (reposted ? `${h.t(G, 'shift_reopened')}\n\n` : '') + shiftCardText(h, shift, G);
    await enqueue(tx, now, { chatId, text, keyboard: shiftKeyboard(h, shift, G), priority: PRIORITY.group, ref: shiftCardRef(shift.id) });
    return true;
  };

  /** Staff's new shift, posted at once; whether a group got it. */
  const create = async (now: number, s: NewShift) => {
    let posted = false;
    const shift = await createShift(db, now, s, async (tx, sh) => {
      posted = await post(tx, now, sh);
    });
    deps.sender.poke();
    return { shift, posted };
  };

  /** A member joins; the shift as it is after, when they got a place. */
  const join = async (now: number, shift: Shift, userId: number): Promise<{ result: JoinResult; after?: Shift }> => {
    const result = await joinShift(db, now, shift.id, userId);
    return result === 'joined' ? { result, after: (await findShift(db, shift.id))! } : { result };
  };

  /** Joined: the details privately, with "can't make it". */
  const tellJoined = async (now: number, shift: Shift, userId: number) => {
    await db.transaction().execute((tx) =>
      notices.notifyUser(tx, now, userId, 'shift_joined_private', shiftJoinedParams(h, shift), {
        keyboard: (l) => leaveShiftKeyboard(h, shift, l),
      }),
    );
    deps.sender.poke();
  };

  /** A member who can't make it leaves before the start; the shift is posted again for someone else. */
  const leave = async (now: number, shift: Shift, userId: number): Promise<boolean> =>
    shift.starts_at > now && (await leaveShift(db, now, shift.id, userId));

  const repostAfterLeave = async (now: number, shift: Shift) => {
    await db.transaction().execute(async (tx) => post(tx, now, (await findShift(tx, shift.id))!, true));
    deps.sender.poke();
  };

  /** Job: patrol hours credited when a shift ends. */
  const creditEnded = async (now: number) => {
    const credited = await creditEndedShifts(db, now, (tx, shift, volunteerId, minutes) =>
      notices.notifyUser(tx, now, volunteerId, 'shift_hours_credited', (l) => ({
        id: shift.id,
        zone: escapeHtml(shift.zone),
        hours: formatMinutes(minutes, l),
      })),
    );
    if (credited > 0) deps.sender.poke();
  };

  return { create, join, tellJoined, leave, repostAfterLeave, creditEnded };
}
