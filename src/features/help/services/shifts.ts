import { HOUR } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { localMidnight } from '../../../domain/help-time';
import {
  createShift,
  findShift,
  freePlace,
  joinShift,
  leaveShift,
  markReminded,
  remindersDue,
  takeWaiters,
  type JoinResult,
  type Shift,
} from '../../../domain/shifts';
import type { Executor } from '../../../store/db';
import {
  joinPrivatelyKeyboard,
  leaveShiftKeyboard,
  placeOpenedText,
  reminderText,
  shiftCardRef,
  shiftCardText,
  shiftJoinedParams,
  shiftKeyboard,
} from '../views/shifts';
import type { HelpText } from '../views/text';
import { bindParts } from './bind';
import type { Cards } from './cards';
import { editCopies, type Pressed } from './copies';
import type { Notices } from './notices';
import { answerOwn, confirmByLead, markByLead, runAttendance } from './shift-attendance';

/**
 * Patrol shifts: posted to the team group, joined there, left privately ("can't make it" re-posts
 * it and tells whoever heard "full"), reminded the evening before and an hour before, and, when
 * over, attendance confirmed by the lead (or each member when the team has no lead) before hours
 * count (shift-attendance.ts).
 */

export type Shifts = ReturnType<typeof shiftService>;
export type { Pressed } from './copies';
export { ATTENDANCE_HOURS } from './shift-attendance';

export type NewShift = Parameters<typeof createShift>[2];

/** The evening reminder goes at this local hour the day before the shift. */
export const EVENING_REMINDER_HOUR = 20;

/** What the shift functions use. */
export interface ShiftParts {
  deps: Pick<CoreDeps, 'db' | 'sender' | 'users'>;
  h: HelpText;
  notices: Notices;
  cards: Cards;
}

export function shiftService(deps: ShiftParts['deps'], h: HelpText, notices: Notices, cards: Cards) {
  return bindParts({ deps, h, notices, cards } as ShiftParts, {
    create,
    join,
    tellJoined,
    leave,
    freePlacesOf,
    remind,
    runAttendance,
    markByLead,
    confirmByLead,
    answerOwn,
  });
}

/** Posts a shift's card to its team's group (or the committee's), through the outbox. */
async function post({ h, cards }: ShiftParts, tx: Executor, now: number, shift: Shift, reposted = false): Promise<boolean> {
  const group = await cards.cardChat(tx, shift.community_id, shift.team_id);
  if (group === undefined) return false;
  const { chatId, locale: G } = group;
  const text = (reposted ? `${h.t(G, 'shift_reopened')}\n\n` : '') + shiftCardText(h, shift, G);
  await enqueue(tx, now, { chatId, text, keyboard: shiftKeyboard(h, shift, G), priority: PRIORITY.group, ref: shiftCardRef(shift.id) });
  return true;
}

/** Every card of the shift in the group shows the true count (the first one too, not only a re-post). */
const editCards = async ({ h, cards }: ShiftParts, tx: Executor, now: number, shift: Shift, except?: Pressed) => {
  const G = (await cards.cardChat(tx, shift.community_id, shift.team_id))?.locale ?? h.defaultLocale;
  const card = { text: shiftCardText(h, shift, G), keyboard: shiftKeyboard(h, shift, G, now) };
  return editCopies(tx, now, shiftCardRef(shift.id), async () => card, { except });
};

/** A place was freed ("can't make it", /deleteme): the cards say so; before the start it is posted again and whoever heard "full" is told. */
async function placeFreed(p: ShiftParts, tx: Executor, now: number, shift: Shift) {
  const { h } = p;
  await editCards(p, tx, now, shift);
  if (shift.starts_at <= now) return;
  await post(p, tx, now, shift, true);
  for (const userId of await takeWaiters(tx, shift.id)) {
    const locale = await p.deps.users.localeOf(userId, tx);
    await enqueue(tx, now, {
      chatId: userId,
      text: placeOpenedText(h, shift, locale),
      keyboard: joinPrivatelyKeyboard(h, shift, locale),
      priority: PRIORITY.personal,
    });
  }
}

/** Staff's new shift, posted at once; whether a group got it. */
async function create(p: ShiftParts, now: number, s: NewShift) {
  let posted = false;
  const shift = await createShift(p.deps.db, now, s, async (tx, sh) => {
    posted = await post(p, tx, now, sh);
  });
  p.deps.sender.poke();
  return { shift, posted };
}

/** A member joins; the shift as it is after, when they got a place. */
async function join(
  { deps: { db } }: ShiftParts,
  now: number,
  shift: Shift,
  userId: number,
): Promise<{ result: JoinResult; after?: Shift }> {
  const result = await joinShift(db, now, shift.id, userId);
  return result === 'joined' ? { result, after: (await findShift(db, shift.id))! } : { result };
}

/** Joined: the details privately, with "can't make it"; the shift's other cards show the new count. */
async function tellJoined(p: ShiftParts, now: number, shift: Shift, userId: number, pressed?: Pressed) {
  const { h } = p;
  await p.deps.db.transaction().execute(async (tx) => {
    await p.notices.notifyUser(tx, now, userId, 'shift_joined_private', shiftJoinedParams(h, shift), {
      keyboard: (l) => leaveShiftKeyboard(h, shift, l),
    });
    await editCards(p, tx, now, shift, pressed);
  });
  p.deps.sender.poke();
}

/** A member who can't make it leaves before the start; the place is offered again. */
async function leave(p: ShiftParts, now: number, shift: Shift, userId: number): Promise<boolean> {
  if (shift.starts_at <= now) return false;
  const left = await leaveShift(p.deps.db, now, shift.id, userId, (tx, after) => placeFreed(p, tx, now, after));
  if (left) p.deps.sender.poke();
  return left;
}

/** /deleteme: their places are freed and offered again (in the erasing transaction). */
async function freePlacesOf(p: ShiftParts, tx: Executor, now: number, userId: number) {
  const mine = await tx.selectFrom('shift_members').select('shift_id').where('user_id', '=', userId).execute();
  for (const { shift_id: shiftId } of mine) {
    if (!(await freePlace(tx, shiftId, userId))) continue;
    const shift = (await findShift(tx, shiftId))!;
    if (shift.ends_at > now) await placeFreed(p, tx, now, shift);
  }
  await tx.deleteFrom('shift_waiters').where('user_id', '=', userId).execute();
}

/** Job: the evening-before and hour-before reminders, each once per member. */
async function remind({ deps, h }: ShiftParts, now: number) {
  const { db } = deps;
  const eveOf = (startsAt: number) => localMidnight(startsAt, h.tz, -1) + EVENING_REMINDER_HOUR * HOUR;
  for (const { shift, userId, kind } of await remindersDue(db, now, eveOf)) {
    await db.transaction().execute(async (tx) => {
      if (!(await markReminded(tx, now, shift.id, userId, kind))) return;
      const locale = await deps.users.localeOf(userId, tx);
      await enqueue(tx, now, {
        chatId: userId,
        text: reminderText(h, shift, kind, locale),
        keyboard: leaveShiftKeyboard(h, shift, locale),
        priority: PRIORITY.personal,
      });
    });
  }
  deps.sender.poke();
}
