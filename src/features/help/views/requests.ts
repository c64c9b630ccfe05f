import type { InlineButton, InlineKeyboard } from '../../../delivery/outbox';
import { allowedActions, type HelpRequest, type Task } from '../../../domain/help';
import { escapeHtml, type Locale } from '../../../i18n';
import { myRequestButton } from '../buttons';
import { reasonText } from './approval';
import type { HelpText } from './text';

/** /myrequests: one message per request, with what can still be done about it. */

export type MyRequest = HelpRequest & { task: Task | undefined };

export function myRequestText(h: HelpText, r: MyRequest, locale: Locale): string {
  const status = r.status === 'active' ? (r.task?.status ?? 'open') : r.status;
  return [
    h.t(locale, 'myrequest_line', { id: r.id, type: h.typeOf(r, locale), status: h.t(locale, `status_${status}`) }),
    h.t(locale, 'card_when', {
      when: escapeHtml(h.when(r.task?.window_start ?? r.window_start, r.task?.window_end ?? r.window_end, locale)),
    }),
    ...(r.voice_seconds !== null ? [h.detailsOf(r, locale)] : []),
    ...(r.status === 'declined' ? [h.t(locale, 'myrequest_reason', { reason: reasonText(h, r.decline_reason, locale) })] : []),
  ].join('\n');
}

export function myRequestKeyboard(h: HelpText, r: MyRequest, locale: Locale): InlineKeyboard | undefined {
  const buttons: InlineButton[] = [];
  const open = r.status === 'pending' || r.status === 'active';
  if (open) buttons.push({ text: h.t(locale, 'button_note'), callback_data: myRequestButton.pack({ request: r.id, act: 'n' }) });
  // Cancelling is possible while it waits for approval, or for a volunteer.
  if (r.status === 'pending' || (r.status === 'active' && r.task && allowedActions(r.task.status, 'requester').includes('cancel'))) {
    buttons.push({ text: h.t(locale, 'button_cancel_request'), callback_data: myRequestButton.pack({ request: r.id, act: 'c' }) });
  }
  return buttons.length ? [buttons] : undefined;
}
