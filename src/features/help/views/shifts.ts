import type { InlineKeyboard } from '../../../delivery/outbox';
import { formatWindow } from '../../../domain/help-time';
import type { Shift } from '../../../domain/shifts';
import { escapeHtml, type Locale } from '../../../i18n';
import { joinShiftButton, leaveShiftButton } from '../buttons';
import type { HelpText } from './text';

/** Patrol shifts in the team group: a card with Join; a full shift says so. */

export const shiftCardRef = (shiftId: number) => `shift:${shiftId}:card`;

const shiftWhen = (h: HelpText, shift: Shift, locale: Locale) => escapeHtml(formatWindow(shift.starts_at, shift.ends_at, locale, h.tz)!);

export function shiftCardText(h: HelpText, shift: Shift, locale: Locale): string {
  const full = shift.taken >= shift.places;
  return [
    h.t(locale, 'shift_title', { id: shift.id, team: h.teamOf(shift, locale) }),
    h.t(locale, 'shift_zone', { zone: escapeHtml(shift.zone) }),
    h.t(locale, 'card_when', { when: shiftWhen(h, shift, locale) }),
    h.t(locale, full ? 'shift_full' : 'shift_places', { taken: shift.taken, places: shift.places }),
  ].join('\n');
}

/** Join, while places are left. */
export const shiftKeyboard = (h: HelpText, shift: Shift, locale: Locale): InlineKeyboard | undefined =>
  shift.taken >= shift.places
    ? undefined
    : [[{ text: h.t(locale, 'join_button'), callback_data: joinShiftButton.pack({ shift: shift.id }) }]];

/** The private note to someone who joined, with "can't make it". */
export const shiftJoinedParams = (h: HelpText, shift: Shift) => (locale: Locale) => ({
  id: shift.id,
  zone: escapeHtml(shift.zone),
  when: shiftWhen(h, shift, locale),
});

export const leaveShiftKeyboard = (h: HelpText, shift: Shift, locale: Locale): InlineKeyboard => [
  [{ text: h.t(locale, 'cant_make_it'), callback_data: leaveShiftButton.pack({ shift: shift.id }) }],
];
