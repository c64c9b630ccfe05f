import type { InlineKeyboard } from '../../../delivery/outbox';
import { formatWindow } from '../../../domain/help-time';
import type { Roster, Shift } from '../../../domain/shifts';
import { escapeHtml, type Locale } from '../../../i18n';
import { attendanceConfirmButton, attendanceMarkButton, attendanceOwnButton, joinShiftButton, leaveShiftButton } from '../buttons';
import type { HelpText } from './text';

/**
 * Patrol shifts in the team group: a card with Join; a full shift says so. In private: the
 * reminders, the "a place opened" note, and attendance (the lead's list, or each member's question).
 */

export const shiftCardRef = (shiftId: number) => `shift:${shiftId}:card`;
/** The lead's attendance list (one per lead). */
export const attendanceRef = (shiftId: number) => `shift:${shiftId}:attendance`;
/** A member's own attendance question. */
export const ownAttendanceRef = (shiftId: number, userId: number) => `shift:${shiftId}:ask:${userId}`;

const shiftWhen = (h: HelpText, shift: Shift, locale: Locale) => escapeHtml(formatWindow(shift.starts_at, shift.ends_at, locale, h.tz)!);
const s = (h: HelpText, locale: Locale, key: string, params?: Record<string, string | number>) => h.common(locale, `shifts.${key}`, params);

export function shiftCardText(h: HelpText, shift: Shift, locale: Locale): string {
  const full = shift.taken >= shift.places;
  return [
    h.t(locale, 'shift_title', { id: shift.id, team: h.teamOf(shift, locale) }),
    h.t(locale, 'shift_zone', { zone: escapeHtml(shift.zone) }),
    h.t(locale, 'card_when', { when: shiftWhen(h, shift, locale) }),
    h.t(locale, full ? 'shift_full' : 'shift_places', { taken: shift.taken, places: shift.places }),
  ].join('\n');
}

/** Join, while places are left and the shift has not ended. */
export const shiftKeyboard = (h: HelpText, shift: Shift, locale: Locale, now = 0): InlineKeyboard | undefined =>
  shift.taken >= shift.places || (now > 0 && shift.ends_at <= now) ? undefined : joinPrivatelyKeyboard(h, shift, locale);

/** The private note to someone who joined, with "can't make it". */
export const shiftJoinedParams = (h: HelpText, shift: Shift) => (locale: Locale) => ({
  id: shift.id,
  zone: escapeHtml(shift.zone),
  when: shiftWhen(h, shift, locale),
});

export const leaveShiftKeyboard = (h: HelpText, shift: Shift, locale: Locale): InlineKeyboard => [
  [{ text: h.t(locale, 'cant_make_it'), callback_data: leaveShiftButton.pack({ shift: shift.id }) }],
];

/** Told privately to whoever heard "full": a place opened, with Join. */
export const placeOpenedText = (h: HelpText, shift: Shift, locale: Locale) =>
  s(h, locale, 'place_opened', shiftJoinedParams(h, shift)(locale));

/** Join, in the group card or privately with the "a place opened" note. */
export const joinPrivatelyKeyboard = (h: HelpText, shift: Shift, locale: Locale): InlineKeyboard => [
  [{ text: h.t(locale, 'join_button'), callback_data: joinShiftButton.pack({ shift: shift.id }) }],
];

export const reminderText = (h: HelpText, shift: Shift, kind: 'eve' | 'hour', locale: Locale) =>
  s(h, locale, kind === 'eve' ? 'remind_eve' : 'remind_hour', shiftJoinedParams(h, shift)(locale));

const deadlineOf = (h: HelpText, at: number, locale: Locale) => escapeHtml(formatWindow(at, null, locale, h.tz)!);

const markOf = (attended: number | null) => (attended === 1 ? '✅' : attended === 0 ? '❌' : '▫️');
const nameOf = (h: HelpText, m: Roster[number], locale: Locale) => m.first_name ?? s(h, locale, 'someone');
const cameOf = (roster: Roster) => roster.filter((m) => m.attended === 1).length;

/** The lead's list while it is open: who is marked, and when the list is credited as it stands. */
export function attendanceText(h: HelpText, shift: Shift, roster: Roster, deadline: number, locale: Locale): string {
  return [
    s(h, locale, 'lead_ask', { ...shiftJoinedParams(h, shift)(locale), deadline: deadlineOf(h, deadline, locale) }),
    '',
    ...roster.map((m) => `${markOf(m.attended)} ${escapeHtml(nameOf(h, m, locale))}`),
  ].join('\n');
}

/** One button per member (tap to mark), then Confirm. */
export function attendanceKeyboard(h: HelpText, shift: Shift, roster: Roster, locale: Locale): InlineKeyboard {
  return [
    ...roster.map((m) => [
      {
        text: `${markOf(m.attended)} ${nameOf(h, m, locale)}`,
        callback_data: attendanceMarkButton.pack({ shift: shift.id, user: m.user_id }),
      },
    ]),
    [
      {
        text: s(h, locale, 'confirm_button', { came: cameOf(roster), total: roster.length }),
        callback_data: attendanceConfirmButton.pack({ shift: shift.id }),
      },
    ],
  ];
}

/** The list once closed: confirmed by someone, or credited as listed at the deadline. */
export function attendanceClosedText(h: HelpText, shift: Shift, roster: Roster, locale: Locale, by?: string): string {
  const params = { id: shift.id, came: roster.filter((m) => m.credited_at !== null).length, total: roster.length };
  return [
    by === undefined ? s(h, locale, 'lead_deadline', params) : s(h, locale, 'lead_confirmed', { ...params, name: escapeHtml(by) }),
    '',
    ...roster.map((m) => `${m.credited_at !== null ? '✅' : '❌'} ${escapeHtml(nameOf(h, m, locale))}`),
  ].join('\n');
}

/** A member's own question, with "I was there" and "I couldn't come". */
export const ownAttendanceText = (h: HelpText, shift: Shift, deadline: number, locale: Locale) =>
  s(h, locale, 'member_ask', { ...shiftJoinedParams(h, shift)(locale), deadline: deadlineOf(h, deadline, locale) });

export const ownAttendanceKeyboard = (h: HelpText, shift: Shift, locale: Locale): InlineKeyboard => [
  [
    { text: s(h, locale, 'i_was_there'), callback_data: attendanceOwnButton.pack({ shift: shift.id, came: 1 }) },
    { text: s(h, locale, 'i_was_not'), callback_data: attendanceOwnButton.pack({ shift: shift.id, came: 0 }) },
  ],
];
