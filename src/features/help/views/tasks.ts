import type { InlineKeyboard } from '../../../delivery/outbox';
import { allowedActions, type HelpRequest, type Task } from '../../../domain/help';
import { escapeHtml, type Locale, type Params } from '../../../i18n';
import { assignButton, claimButton, hoursButton, rateButton, staffTaskButton, taskButton } from '../buttons';
import type { HelpText } from './text';

/** A task's card in its team's group, the claimer's private details and the buttons around a task. */

/** Outbox refs: the group card (edited as the task moves on) and the claimer's private details. */
export const taskCardRef = (taskId: number) => `task:${taskId}:card`;
export const taskDetailsRef = (taskId: number) => `task:${taskId}:details`;
/** A task offered privately (mediation, legal advice) to the team's leads or volunteers. */
export const taskOfferRef = (taskId: number) => `task:${taskId}:offer`;

const ACTION_CODES = { start: 's', done: 'd', release: 'r' } as const;

/** The public card: type, building, time window, urgency. Nothing that identifies the person. */
export function taskCardText(h: HelpText, task: Task, request: HelpRequest, locale: Locale, status?: string): string {
  return [
    h.t(locale, 'card_title', { id: task.id, type: h.typeOf(request, locale) }),
    h.t(locale, 'card_building', { building: h.buildingOf(request, locale) }),
    h.t(locale, 'card_when', { when: escapeHtml(h.when(task.window_start, task.window_end, locale)) }),
    h.t(locale, request.urgent ? 'card_urgent' : 'card_normal'),
    ...(status ? ['', status] : []),
  ].join('\n');
}

export const claimKeyboard = (h: HelpText, task: Task, locale: Locale): InlineKeyboard => [
  [{ text: h.t(locale, 'claim_button'), callback_data: claimButton.pack({ task: task.id }) }],
];

/** Most members a lead's assign message lists (Telegram keeps a keyboard readable up to about this). */
const MAX_ASSIGNEES = 12;

/** A lead's private offer of a task: one button per member of the team, two to a row. */
export function assignKeyboard(h: HelpText, task: Task, members: { id: number; first_name: string }[], locale: Locale): InlineKeyboard {
  const buttons = members.slice(0, MAX_ASSIGNEES).map((m) => ({
    text: h.t(locale, 'assign_to_button', { name: m.first_name }),
    callback_data: assignButton.pack({ task: task.id, to: m.id }),
  }));
  const rows: InlineKeyboard = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

/** The person helped, as the claimer may see them. */
export interface Requester {
  first_name: string;
  phone: string | null;
}

/** What the claimer needs, privately: everything about the person and the place. */
export function detailsText(h: HelpText, task: Task, request: HelpRequest, requester: Requester | undefined, locale: Locale): string {
  const name = request.on_behalf_name ?? requester?.first_name ?? '—';
  const phone = request.on_behalf_phone ?? request.phone ?? '—';
  const place = h.place(
    { communityId: request.community_id, buildingId: request.building_id, unit: request.unit, address: request.address },
    locale,
  );
  return [
    h.t(locale, 'details_title', { id: task.id, type: h.typeOf(request, locale) }),
    h.t(locale, 'details_what', { details: h.detailsOf(request, locale, 'card_voice') }),
    ...(request.notes ? [h.t(locale, 'details_notes', { notes: escapeHtml(request.notes) })] : []),
    h.t(locale, 'card_when', { when: escapeHtml(h.when(task.window_start, task.window_end, locale)) }),
    h.t(locale, 'details_where', { place: escapeHtml(place) }),
    h.t(locale, 'details_contact', { name: escapeHtml(name), phone: escapeHtml(phone) }),
  ].join('\n');
}

/** The claimer's buttons for the task's current status, read from the state machine. */
export function claimerKeyboard(h: HelpText, task: Task, locale: Locale): InlineKeyboard {
  const actions = allowedActions(task.status, 'claimer').filter((a): a is keyof typeof ACTION_CODES => a in ACTION_CODES);
  const buttons = actions.map((a) => ({
    text: h.t(locale, `button_${a}`),
    callback_data: taskButton.pack({ task: task.id, act: ACTION_CODES[a] }),
  }));
  const rows: InlineKeyboard = [buttons];
  if (task.status === 'claimed' || task.status === 'started')
    rows.push([{ text: h.t(locale, 'button_unreachable'), callback_data: taskButton.pack({ task: task.id, act: 'u' }) }]);
  return rows;
}

/** The claimer's check-in question: still on it, or give it back. */
export const checkinKeyboard = (h: HelpText, task: Task, locale: Locale): InlineKeyboard => [
  [
    { text: h.t(locale, 'button_still_on_it'), callback_data: taskButton.pack({ task: task.id, act: 'k' }) },
    { text: h.t(locale, 'button_release'), callback_data: taskButton.pack({ task: task.id, act: 'r' }) },
  ],
];

/** Staff on a task released twice: post it again, or cancel it. */
export const escalatedKeyboard = (h: HelpText, task: Task, locale: Locale): InlineKeyboard => [
  [
    { text: h.t(locale, 'button_repost'), callback_data: staffTaskButton.pack({ task: task.id, act: 'p' }) },
    { text: h.t(locale, 'button_cancel_task'), callback_data: staffTaskButton.pack({ task: task.id, act: 'c' }) },
  ],
];

/** The person helped rates the help, one to five stars. */
export const rateKeyboard = (task: Task): InlineKeyboard => [
  [1, 2, 3, 4, 5].map((score) => ({ text: `${score}⭐`, callback_data: rateButton.pack({ task: task.id, score }) })),
];

/** A lead (or staff) decides on a large hours correction. */
export const hoursDecisionKeyboard = (h: HelpText, hoursId: number, locale: Locale): InlineKeyboard => [
  [
    { text: h.t(locale, 'approve'), callback_data: hoursButton.pack({ hours: hoursId, yes: 1 }) },
    { text: h.t(locale, 'decline'), callback_data: hoursButton.pack({ hours: hoursId, yes: 0 }) },
  ],
];

/** Which task, of what type, where (the building only): for staff notices about a task. */
export const taskParams = (h: HelpText, task: Task, request: HelpRequest) => (locale: Locale) => ({
  id: task.id,
  type: h.typeOf(request, locale),
  building: h.buildingOf(request, locale),
});

/** Which request, of what type: for notices to the requester and staff. */
export const requestParams =
  (h: HelpText, request: HelpRequest, more: (locale: Locale) => Params = () => ({})) =>
  (locale: Locale): Params => ({ id: request.id, type: h.typeOf(request, locale), ...more(locale) });
