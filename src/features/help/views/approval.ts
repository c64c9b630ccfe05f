import type { InlineKeyboard } from '../../../delivery/outbox';
import type { HelpRequest } from '../../../domain/help';
import { DECLINE_REASONS, isPresetReason } from '../../../domain/help-approval';
import { escapeHtml, type Locale } from '../../../i18n';
import { approvalButton, declineButton } from '../buttons';
import type { HelpText } from './text';

/**
 * The card staff decide on. The group's copy shows what the team card shows plus what is asked,
 * never the person's name, phone or unit, which a private copy (the Details button) does show.
 */

/** Outbox refs: every copy of a request's approval card, and the edits that settle them. */
export const approvalRef = (requestId: number) => `help:${requestId}:approval`;
export const approvalEditRef = (requestId: number) => `help:${requestId}:approval:edit`;
/** The voice notes that follow a copy of the card (apart from it: settling edits every copy filed under approvalRef). */
export const approvalVoiceRef = (requestId: number) => `help:${requestId}:approval:voice`;

/** Who decided, as the cards name them. */
export type Staff = { id: number; name: string };

export const reasonText = (h: HelpText, reason: string | null, locale: Locale) =>
  isPresetReason(reason) ? h.t(locale, `decline_reason_${reason}`) : escapeHtml(reason ?? '');

/** The card's text; `status` ends it (the question while pending, the outcome after). Private copies name the requester. */
export function approvalCardText(
  h: HelpText,
  request: HelpRequest,
  locale: Locale,
  copy: { inGroup: true } | { inGroup: false; requesterName: string | undefined },
  status: string,
): string {
  const lines = [
    h.t(locale, 'approval_title', { id: request.id, type: h.typeOf(request, locale) }),
    h.t(locale, 'card_building', { building: h.buildingOf(request, locale) }),
    h.t(locale, 'card_when', { when: escapeHtml(h.when(request.window_start, request.window_end, locale)) }),
    h.t(locale, request.urgent ? 'card_urgent' : 'card_normal'),
    h.t(locale, 'details_what', { details: h.detailsOf(request, locale, 'card_voice') }),
    ...(request.notes ? [h.t(locale, 'details_notes', { notes: escapeHtml(request.notes) })] : []),
  ];
  if (copy.inGroup) {
    if (request.on_behalf_name) lines.push(h.t(locale, 'approval_on_behalf'));
  } else {
    const place = h.place(
      { communityId: request.community_id, buildingId: request.building_id, unit: request.unit, address: request.address },
      locale,
    );
    lines.push(
      h.t(locale, 'details_where', { place: escapeHtml(place) }),
      h.t(locale, 'details_contact', {
        name: escapeHtml(request.on_behalf_name ?? copy.requesterName ?? '—'),
        phone: escapeHtml(request.on_behalf_phone ?? request.phone ?? '—'),
      }),
    );
  }
  return [...lines, '', status].join('\n');
}

export const approvalQuestion = (h: HelpText, request: HelpRequest, locale: Locale) =>
  h.t(locale, 'approval_question', { team: h.teamOf(request, locale) });

export const pendingKeyboard = (h: HelpText, request: HelpRequest, locale: Locale, inGroup: boolean): InlineKeyboard => [
  [
    { text: h.t(locale, 'approve'), callback_data: approvalButton.pack({ request: request.id, act: 'y' }) },
    { text: h.t(locale, 'decline'), callback_data: approvalButton.pack({ request: request.id, act: 'n' }) },
  ],
  ...(inGroup
    ? [[{ text: h.t(locale, 'approval_details_button'), callback_data: approvalButton.pack({ request: request.id, act: 'i' }) }]]
    : []),
];

export const reasonsKeyboard = (h: HelpText, request: HelpRequest, locale: Locale): InlineKeyboard => [
  ...DECLINE_REASONS.map((reason) => [
    { text: h.t(locale, `decline_label_${reason}`), callback_data: declineButton.pack({ request: request.id, reason }) },
  ]),
  [{ text: h.t(locale, 'decline_write'), callback_data: declineButton.pack({ request: request.id, reason: 'w' }) }],
  [{ text: h.common(locale, 'common.back'), callback_data: approvalButton.pack({ request: request.id, act: 'b' }) }],
];

/** Pressed in a group: the staff member writes the reason in their private chat, from this button. */
export const writeReasonKeyboard = (h: HelpText, request: HelpRequest, locale: Locale): InlineKeyboard => [
  [{ text: h.t(locale, 'decline_write'), callback_data: declineButton.pack({ request: request.id, reason: 'w' }) }],
];

export const approvedLine = (h: HelpText, request: HelpRequest, staff: Staff) => (l: Locale) =>
  h.t(l, 'approval_approved_by', { name: escapeHtml(staff.name), team: h.teamOf(request, l) });
export const declinedLine = (h: HelpText, request: HelpRequest, staff: Staff) => (l: Locale) =>
  h.t(l, 'approval_declined_by', { name: escapeHtml(staff.name), reason: reasonText(h, request.decline_reason, l) });
