import { HOUR } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import { enqueue, enqueueCall, PRIORITY, type InlineKeyboard } from '../../../delivery/outbox';
import { formatMinutes, localMidnight } from '../../../domain/help-time';
import {
  closeAtDeadline,
  closeAttendance,
  closeConfirmed,
  createShift,
  creditMember,
  findShift,
  freePlace,
  joinShift,
  leaveShift,
  markAsked,
  markReminded,
  remindersDue,
  rosterOf,
  setAttendance,
  shiftsToAsk,
  shiftsToClose,
  takeWaiters,
  type JoinResult,
  type Shift,
} from '../../../domain/shifts';
import { leadsOf } from '../../../domain/volunteers';
import { escapeHtml } from '../../../i18n';
import type { Executor } from '../../../store/db';
import {
  attendanceClosedText,
  attendanceKeyboard,
  attendanceRef,
  attendanceText,
  joinPrivatelyKeyboard,
  leaveShiftKeyboard,
  ownAttendanceKeyboard,
  ownAttendanceRef,
  ownAttendanceText,
  placeOpenedText,
  reminderText,
  shiftCardRef,
  shiftCardText,
  shiftJoinedParams,
  shiftKeyboard,
} from '../views/shifts';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';
import type { Notices } from './notices';

/**
 * Patrol shifts: posted to the team group, joined there, left privately ("can't make it" re-posts
 * it and tells whoever heard "full"), reminded the evening before and an hour before, and, when
 * over, attendance confirmed by the lead (or each member when the team has no lead) before hours count.
 */

export type Shifts = ReturnType<typeof shiftService>;

export type NewShift = Parameters<typeof createShift>[2];

/**
 * How long after a shift ends its attendance may be confirmed. Unconfirmed by then, the list is
 * credited as it stands, except members marked absent (domain/shifts.ts closeAtDeadline says why).
 */
export const ATTENDANCE_HOURS = 2;
/** The evening reminder goes at this local hour the day before the shift. */
export const EVENING_REMINDER_HOUR = 20;

/** A message edited in place by the handler, so the outbox does not edit it again. */
export interface Pressed {
  chatId: number;
  messageId: number;
}

export function shiftService(deps: Pick<CoreDeps, 'db' | 'sender' | 'users'>, h: HelpText, notices: Notices, cards: Cards) {
  const { db } = deps;
  const G = h.groupLocale;
  const answerWithin = ATTENDANCE_HOURS * HOUR;
  const eveOf = (startsAt: number) => localMidnight(startsAt, h.tz, -1) + EVENING_REMINDER_HOUR * HOUR;
  const localeOf = (userId: number, tx: Executor) => deps.users.localeOf(userId, tx);

  /** Posts a shift's card to its team's group (or the committee's), through the outbox. */
  const post = async (tx: Executor, now: number, shift: Shift, reposted = false): Promise<boolean> => {
    const chatId = await cards.cardChat(tx, shift.community_id, shift.team_id);
    if (chatId === undefined) return false;
    const text = (reposted ? `${h.t(G, 'shift_reopened')}\n\n` : '') + shiftCardText(h, shift, G);
    await enqueue(tx, now, { chatId, text, keyboard: shiftKeyboard(h, shift, G), priority: PRIORITY.group, ref: shiftCardRef(shift.id) });
    return true;
  };

  /** Re-renders every delivered copy under `ref` (enqueueEdit edits only the last one; a re-posted shift has several). */
  const editAll = async (
    tx: Executor,
    now: number,
    ref: string,
    render: (chatId: number) => Promise<{ text: string; keyboard?: InlineKeyboard }>,
    except?: Pressed,
  ) => {
    const sent = await tx
      .selectFrom('outbox')
      .select(['chat_id', 'message_id'])
      .where('ref', '=', ref)
      .where('status', '=', 'sent')
      .where('method', '=', 'sendMessage')
      .execute();
    for (const m of sent) {
      if (!m.message_id || (except?.chatId === m.chat_id && except.messageId === m.message_id)) continue;
      const { text, keyboard } = await render(m.chat_id);
      await enqueueCall(tx, now, {
        chatId: m.chat_id,
        method: 'editMessageText',
        payload: { message_id: m.message_id, text, parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard ?? [] } },
        priority: m.chat_id < 0 ? PRIORITY.group : PRIORITY.personal,
      });
    }
  };

  /** Every card of the shift in the group shows the true count (the first one too, not only a re-post). */
  const editCards = (tx: Executor, now: number, shift: Shift, except?: Pressed) =>
    editAll(
      tx,
      now,
      shiftCardRef(shift.id),
      async () => ({ text: shiftCardText(h, shift, G), keyboard: shiftKeyboard(h, shift, G, now) }),
      except,
    );

  /** A place was freed ("can't make it", /deleteme): the cards say so; before the start it is posted again and whoever heard "full" is told. */
  const placeFreed = async (tx: Executor, now: number, shift: Shift) => {
    await editCards(tx, now, shift);
    if (shift.starts_at <= now) return;
    await post(tx, now, shift, true);
    for (const userId of await takeWaiters(tx, shift.id)) {
      const locale = await localeOf(userId, tx);
      await enqueue(tx, now, {
        chatId: userId,
        text: placeOpenedText(h, shift, locale),
        keyboard: joinPrivatelyKeyboard(h, shift, locale),
        priority: PRIORITY.personal,
      });
    }
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

  /** Joined: the details privately, with "can't make it"; the shift's other cards show the new count. */
  const tellJoined = async (now: number, shift: Shift, userId: number, pressed?: Pressed) => {
    await db.transaction().execute(async (tx) => {
      await notices.notifyUser(tx, now, userId, 'shift_joined_private', shiftJoinedParams(h, shift), {
        keyboard: (l) => leaveShiftKeyboard(h, shift, l),
      });
      await editCards(tx, now, shift, pressed);
    });
    deps.sender.poke();
  };

  /** A member who can't make it leaves before the start; the place is offered again. */
  const leave = async (now: number, shift: Shift, userId: number): Promise<boolean> => {
    if (shift.starts_at <= now) return false;
    const left = await leaveShift(db, now, shift.id, userId, (tx, after) => placeFreed(tx, now, after));
    if (left) deps.sender.poke();
    return left;
  };

  /** /deleteme: their places are freed and offered again (in the erasing transaction). */
  const freePlacesOf = async (tx: Executor, now: number, userId: number) => {
    const mine = await tx.selectFrom('shift_members').select('shift_id').where('user_id', '=', userId).execute();
    for (const { shift_id: shiftId } of mine) {
      if (!(await freePlace(tx, shiftId, userId))) continue;
      const shift = (await findShift(tx, shiftId))!;
      if (shift.ends_at > now) await placeFreed(tx, now, shift);
    }
    await tx.deleteFrom('shift_waiters').where('user_id', '=', userId).execute();
  };

  /** Job: the evening-before and hour-before reminders, each once per member. */
  const remind = async (now: number) => {
    for (const { shift, userId, kind } of await remindersDue(db, now, eveOf)) {
      await db.transaction().execute(async (tx) => {
        if (!(await markReminded(tx, now, shift.id, userId, kind))) return;
        const locale = await localeOf(userId, tx);
        await enqueue(tx, now, {
          chatId: userId,
          text: reminderText(h, shift, kind, locale),
          keyboard: leaveShiftKeyboard(h, shift, locale),
          priority: PRIORITY.personal,
        });
      });
    }
    deps.sender.poke();
  };

  const tellCredited = async (tx: Executor, now: number, shift: Shift, credited: { userId: number; minutes: number }[]) => {
    for (const { userId, minutes } of credited)
      await notices.notifyUser(tx, now, userId, 'shift_hours_credited', (l) => ({
        id: shift.id,
        zone: escapeHtml(shift.zone),
        hours: formatMinutes(minutes, l),
      }));
  };

  /** The shift is over: its leads get the list to confirm; with no lead, each member is asked. */
  const askAttendance = async (tx: Executor, now: number, shift: Shift) => {
    if (!(await markAsked(tx, now, shift.id))) return;
    const roster = await rosterOf(tx, shift.id);
    if (roster.length === 0) return void (await closeAttendance(tx, now, shift.id));
    const deadline = shift.ends_at + answerWithin;
    const leads = await leadsOf(tx, shift.community_id, shift.team_id);
    for (const lead of leads) {
      const locale = await localeOf(lead, tx);
      await enqueue(tx, now, {
        chatId: lead,
        text: attendanceText(h, shift, roster, deadline, locale),
        keyboard: attendanceKeyboard(h, shift, roster, locale),
        priority: PRIORITY.personal,
        ref: attendanceRef(shift.id),
      });
    }
    if (leads.length > 0) return;
    for (const m of roster) {
      const locale = await localeOf(m.user_id, tx);
      await enqueue(tx, now, {
        chatId: m.user_id,
        text: ownAttendanceText(h, shift, deadline, locale),
        keyboard: ownAttendanceKeyboard(h, shift, locale),
        priority: PRIORITY.personal,
        ref: ownAttendanceRef(shift.id, m.user_id),
      });
    }
  };

  /** The deadline passed unconfirmed: credited as listed; the open questions say so. */
  const closeLate = async (tx: Executor, now: number, shift: Shift) => {
    const credited = await closeAtDeadline(tx, now, shift);
    if (!credited) return;
    await tellCredited(tx, now, shift, credited);
    const roster = await rosterOf(tx, shift.id);
    await editAll(tx, now, attendanceRef(shift.id), async (chatId) => ({
      text: attendanceClosedText(h, shift, roster, await localeOf(chatId, tx)),
    }));
    for (const m of roster.filter((r) => r.attended === null))
      await editAll(tx, now, ownAttendanceRef(shift.id, m.user_id), async (chatId) => ({
        text: h.common(await localeOf(chatId, tx), 'shifts.member_deadline', { id: shift.id }),
      }));
  };

  /** Job: attendance asked when shifts end, and closed at the deadline. */
  const runAttendance = async (now: number) => {
    for (const shift of await shiftsToAsk(db, now, answerWithin)) await db.transaction().execute((tx) => askAttendance(tx, now, shift));
    for (const shift of await shiftsToClose(db, now, answerWithin)) await db.transaction().execute((tx) => closeLate(tx, now, shift));
    deps.sender.poke();
  };

  /** The lead taps a member: came ↔ did not. The list after, or undefined when attendance is closed (or they are not on it). */
  const markByLead = (shift: Shift, memberId: number) =>
    db.transaction().execute(async (tx) => {
      const member = (await rosterOf(tx, shift.id)).find((m) => m.user_id === memberId);
      if (!member || !(await setAttendance(tx, shift.id, memberId, member.attended !== 1))) return undefined;
      return { member, came: member.attended !== 1, roster: await rosterOf(tx, shift.id) };
    });

  /** The lead confirms: those marked are credited; the other leads' lists show the result. Undefined when closed already. */
  const confirmByLead = async (now: number, shift: Shift, byName: string, pressed: Pressed) => {
    const closed = await db.transaction().execute(async (tx) => {
      const credited = await closeConfirmed(tx, now, shift);
      if (!credited) return undefined;
      await tellCredited(tx, now, shift, credited);
      const roster = await rosterOf(tx, shift.id);
      const text = async (chatId: number) => ({ text: attendanceClosedText(h, shift, roster, await localeOf(chatId, tx), byName) });
      await editAll(tx, now, attendanceRef(shift.id), text, pressed);
      return { credited, roster };
    });
    deps.sender.poke();
    return closed;
  };

  /** A member of a team without a lead says whether they came; credited at once if so. Undefined when closed. */
  const answerOwn = async (now: number, shift: Shift, userId: number, came: boolean) => {
    const answered = await db.transaction().execute(async (tx) => {
      const before = (await rosterOf(tx, shift.id)).find((m) => m.user_id === userId);
      // A second tap (the buttons go with the first): it was said already.
      if (before && before.attended !== null) return { came: before.attended === 1, minutes: undefined, already: true };
      if (!(await setAttendance(tx, shift.id, userId, came))) return undefined;
      const minutes = came ? await creditMember(tx, now, shift, userId) : undefined;
      if (minutes !== undefined) await tellCredited(tx, now, shift, [{ userId, minutes }]);
      // Everyone has answered: nothing is left for the deadline to decide.
      if ((await rosterOf(tx, shift.id)).every((m) => m.attended !== null)) await closeAttendance(tx, now, shift.id);
      return { came, minutes, already: false };
    });
    deps.sender.poke();
    return answered;
  };

  return { create, join, tellJoined, leave, freePlacesOf, remind, runAttendance, markByLead, confirmByLead, answerOwn };
}
