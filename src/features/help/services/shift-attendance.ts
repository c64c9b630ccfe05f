import { HOUR } from '../../../clock';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import {
  closeAtDeadline,
  closeAttendance,
  closeConfirmed,
  creditMember,
  markAsked,
  rosterOf,
  setAttendance,
  shiftsToAsk,
  shiftsToClose,
  type Roster,
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
  ownAttendanceKeyboard,
  ownAttendanceRef,
  ownAttendanceText,
} from '../views/shifts';
import { editCopies, type Pressed } from './copies';
import type { ShiftParts } from './shifts';

/**
 * A shift's attendance, once it is over: the lead confirms who came (or, when the team has no
 * lead, each member answers for themselves) before hours count.
 */

/**
 * How long after a shift ends its attendance may be confirmed. Unconfirmed by then, the list is
 * credited as it stands, except members marked absent (domain/shifts.ts closeAtDeadline says why).
 */
export const ATTENDANCE_HOURS = 2;
const answerWithin = ATTENDANCE_HOURS * HOUR;

async function tellCredited(p: ShiftParts, tx: Executor, now: number, shift: Shift, credited: { userId: number; minutes: number }[]) {
  for (const { userId, minutes } of credited)
    await p.notices.notifyUser(tx, now, userId, 'shift_hours_credited', (l) => ({
      id: shift.id,
      zone: escapeHtml(shift.zone),
      hours: p.h.duration(minutes, l),
    }));
}

/** The shift is over: its leads get the list to confirm; with no lead, each member is asked. */
async function askAttendance(p: ShiftParts, tx: Executor, now: number, shift: Shift) {
  if (!(await markAsked(tx, now, shift.id))) return;
  const roster = await rosterOf(tx, shift.id);
  if (roster.length === 0) return void (await closeAttendance(tx, now, shift.id));
  const deadline = shift.ends_at + answerWithin;
  const leads = await leadsOf(tx, shift.community_id, shift.team_id);
  if (leads.length > 0) await askLeads(p, tx, now, shift, roster, leads, deadline);
  else await askMembers(p, tx, now, shift, roster, deadline);
}

async function askLeads(p: ShiftParts, tx: Executor, now: number, shift: Shift, roster: Roster, leads: number[], deadline: number) {
  const { h } = p;
  for (const lead of leads) {
    const locale = await p.deps.users.localeOf(lead, tx);
    await enqueue(tx, now, {
      chatId: lead,
      text: attendanceText(h, shift, roster, deadline, locale),
      keyboard: attendanceKeyboard(h, shift, roster, locale),
      priority: PRIORITY.personal,
      ref: attendanceRef(shift.id),
    });
  }
}

async function askMembers(p: ShiftParts, tx: Executor, now: number, shift: Shift, roster: Roster, deadline: number) {
  const { h } = p;
  for (const m of roster) {
    const locale = await p.deps.users.localeOf(m.user_id, tx);
    await enqueue(tx, now, {
      chatId: m.user_id,
      text: ownAttendanceText(h, shift, deadline, locale),
      keyboard: ownAttendanceKeyboard(h, shift, locale),
      priority: PRIORITY.personal,
      ref: ownAttendanceRef(shift.id, m.user_id),
    });
  }
}

/** Every lead's list shows it closed (by whom, or at the deadline), except the one pressed. */
const editLeadLists = (p: ShiftParts, tx: Executor, now: number, shift: Shift, roster: Roster, by?: string, pressed?: Pressed) =>
  editCopies(
    tx,
    now,
    attendanceRef(shift.id),
    async (chatId) => ({ text: attendanceClosedText(p.h, shift, roster, await p.deps.users.localeOf(chatId, tx), by) }),
    { except: pressed },
  );

/** The deadline passed unconfirmed: credited as listed; the open questions say so. */
async function closeLate(p: ShiftParts, tx: Executor, now: number, shift: Shift) {
  const credited = await closeAtDeadline(tx, now, shift);
  if (!credited) return;
  await tellCredited(p, tx, now, shift, credited);
  const roster = await rosterOf(tx, shift.id);
  await editLeadLists(p, tx, now, shift, roster);
  for (const m of roster.filter((r) => r.attended === null))
    await editCopies(tx, now, ownAttendanceRef(shift.id, m.user_id), async (chatId) => ({
      text: p.h.common(await p.deps.users.localeOf(chatId, tx), 'shifts.member_deadline', { id: shift.id }),
    }));
}

/** Job: attendance asked when shifts end, and closed at the deadline. */
export async function runAttendance(p: ShiftParts, now: number) {
  const { db } = p.deps;
  for (const shift of await shiftsToAsk(db, now, answerWithin)) await db.transaction().execute((tx) => askAttendance(p, tx, now, shift));
  for (const shift of await shiftsToClose(db, now, answerWithin)) await db.transaction().execute((tx) => closeLate(p, tx, now, shift));
  p.deps.sender.poke();
}

/** The lead taps a member: came ↔ did not. The list after, or undefined when attendance is closed (or they are not on it). */
export function markByLead(p: ShiftParts, shift: Shift, memberId: number) {
  return p.deps.db.transaction().execute(async (tx) => {
    const member = (await rosterOf(tx, shift.id)).find((m) => m.user_id === memberId);
    if (!member || !(await setAttendance(tx, shift.id, memberId, member.attended !== 1))) return undefined;
    return { member, came: member.attended !== 1, roster: await rosterOf(tx, shift.id) };
  });
}

/** The lead confirms: those marked are credited; the other leads' lists show the result. Undefined when closed already. */
export async function confirmByLead(p: ShiftParts, now: number, shift: Shift, byName: string, pressed: Pressed) {
  const closed = await p.deps.db.transaction().execute(async (tx) => {
    const credited = await closeConfirmed(tx, now, shift);
    if (!credited) return undefined;
    await tellCredited(p, tx, now, shift, credited);
    const roster = await rosterOf(tx, shift.id);
    await editLeadLists(p, tx, now, shift, roster, byName, pressed);
    return { credited, roster };
  });
  p.deps.sender.poke();
  return closed;
}

/** A member of a team without a lead says whether they came; credited at once if so. Undefined when closed. */
export async function answerOwn(p: ShiftParts, now: number, shift: Shift, userId: number, came: boolean) {
  const answered = await p.deps.db.transaction().execute(async (tx) => {
    const before = (await rosterOf(tx, shift.id)).find((m) => m.user_id === userId);
    // A second tap (the buttons go with the first): it was said already.
    if (before && before.attended !== null) return { came: before.attended === 1, minutes: undefined, already: true };
    if (!(await setAttendance(tx, shift.id, userId, came))) return undefined;
    const minutes = came ? await creditMember(tx, now, shift, userId) : undefined;
    if (minutes !== undefined) await tellCredited(p, tx, now, shift, [{ userId, minutes }]);
    // Everyone has answered: nothing is left for the deadline to decide.
    if ((await rosterOf(tx, shift.id)).every((m) => m.attended !== null)) await closeAttendance(tx, now, shift.id);
    return { came, minutes, already: false };
  });
  p.deps.sender.poke();
  return answered;
}
