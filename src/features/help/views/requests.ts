import type { InlineButton, InlineKeyboard } from '../../../delivery/outbox';
import { allowedActions, endedUnclaimed, type HelpRequest, type RequestHistory, type Task } from '../../../domain/help';
import { formatDay, formatTime } from '../../../domain/help-time';
import { escapeHtml, type Locale } from '../../../i18n';
import { myRequestButton } from '../buttons';
import { reasonText } from './approval';
import type { HelpText } from './text';

/** /myrequests: one message per request, with its history and what can still be done about it. */

export type MyRequest = HelpRequest & { task: Task | undefined };

/** Telegram allows 4096 characters; the history keeps its latest lines within this. */
const MAX_HISTORY_LINES = 25;
const MAX_NOTE = 300;

/** The request's status as its requester reads it: a slot that passed unclaimed waits for their answer. */
function statusKey(r: MyRequest): string {
  if (endedUnclaimed(r, r.task)) return 'status_expired';
  return `status_${r.status === 'active' ? (r.task?.status ?? 'open') : r.status}`;
}

/** "Thu 5 Dec 14:05" in the reader's language. */
const stamp = (h: HelpText, at: number, locale: Locale) => `${formatDay(at, locale, h.tz)} ${formatTime(at, locale, h.tz)}`;

/**
 * The request's history, one line per step in the reader's language: filed, approved or declined,
 * then each task's steps (who took it, as the group sees them; a slot that passed unclaimed).
 */
export function historyLines(h: HelpText, r: HelpRequest, history: RequestHistory, names: Map<number, string>, locale: Locale): string[] {
  const lines: { at: number; text: string }[] = [{ at: r.created_at, text: h.t(locale, 'history_filed') }];
  if (r.decided_at !== null && r.decided_by !== r.requester_id)
    lines.push({ at: r.decided_at, text: h.t(locale, r.status === 'declined' ? 'history_declined' : 'history_approved') });
  for (const e of history.events) {
    const kind = e.kind === 'cancelled' && e.actor_id === null ? 'expired' : e.kind;
    const name = escapeHtml(e.actor_id !== null ? (names.get(e.actor_id) ?? h.t(locale, 'a_volunteer')) : h.t(locale, 'a_volunteer'));
    lines.push({ at: e.at, text: h.t(locale, `history_${kind}`, { name }) });
  }
  return lines
    .sort((a, b) => a.at - b.at)
    .slice(-MAX_HISTORY_LINES)
    .map((l) => `• ${stamp(h, l.at, locale)} ${l.text}`);
}

export function myRequestText(h: HelpText, r: MyRequest, locale: Locale, history?: { lines: string[]; tasks: Task[] }): string {
  const doneNotes = (history?.tasks ?? []).filter((t) => t.done_note).map((t) => escapeHtml(t.done_note!.slice(0, MAX_NOTE)));
  const head = [
    h.t(locale, 'myrequest_line', { id: r.id, type: h.typeOf(r, locale), status: h.t(locale, statusKey(r)) }),
    h.t(locale, 'card_when', {
      when: escapeHtml(h.when(r.task?.window_start ?? r.window_start, r.task?.window_end ?? r.window_end, locale)),
    }),
    ...(r.voice_seconds !== null ? [h.detailsOf(r, locale)] : []),
    ...(r.notes ? [h.t(locale, 'details_notes', { notes: escapeHtml(r.notes.slice(0, MAX_NOTE)) })] : []),
    ...doneNotes.map((note) => h.t(locale, 'myrequest_done_note', { note })),
    ...(r.status === 'declined' ? [h.t(locale, 'myrequest_reason', { reason: reasonText(h, r.decline_reason, locale) })] : []),
  ];
  if (!history || history.lines.length === 0) return head.join('\n');
  return `${head.join('\n')}\n\n${[h.t(locale, 'history_title'), ...history.lines].join('\n')}`;
}

/** The question after a slot passed unclaimed: a new time, or cancel. */
export const slotPassedButtons = (h: HelpText, requestId: number, locale: Locale): InlineButton[] => [
  { text: h.t(locale, 'button_new_time'), callback_data: myRequestButton.pack({ request: requestId, act: 't' }) },
  { text: h.t(locale, 'button_cancel_request'), callback_data: myRequestButton.pack({ request: requestId, act: 'c' }) },
];

export const slotPassedKeyboard = (h: HelpText, requestId: number, locale: Locale): InlineKeyboard => [
  slotPassedButtons(h, requestId, locale),
];

export function myRequestKeyboard(h: HelpText, r: MyRequest, locale: Locale): InlineKeyboard | undefined {
  if (endedUnclaimed(r, r.task)) return slotPassedKeyboard(h, r.id, locale);
  const buttons: InlineButton[] = [];
  const open = r.status === 'pending' || r.status === 'active';
  if (open) buttons.push({ text: h.t(locale, 'button_note'), callback_data: myRequestButton.pack({ request: r.id, act: 'n' }) });
  // Cancelling is possible while it waits for approval, or for a volunteer.
  if (r.status === 'pending' || (r.status === 'active' && r.task && allowedActions(r.task.status, 'requester').includes('cancel'))) {
    buttons.push({ text: h.t(locale, 'button_cancel_request'), callback_data: myRequestButton.pack({ request: r.id, act: 'c' }) });
  }
  return buttons.length ? [buttons] : undefined;
}
