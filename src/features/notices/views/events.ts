import { grid } from '../../../bot/keyboards';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { formatLocalTime, type attendees, type EventRow, type ReminderKind } from '../../../domain/events';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { attendanceButton, eventButton, ratingButton } from '../buttons';

/** What invitations, the /events cards, attendance lists and rating questions look like (HTML). */

/** Telegram shows at most 100 buttons; attendance lists keep to this many people. */
const MAX_ATTENDANCE_BUTTONS = 90;

export type EventView = Pick<EventRow, 'title' | 'description' | 'place' | 'starts_at' | 'capacity' | 'rsvp_deadline'>;
export type Attendee = Awaited<ReturnType<typeof attendees>>[number];

/** A message with its buttons. */
export interface Card {
  text: string;
  keyboard: InlineKeyboard;
}

/** The invitation as each person sees it, in their language (HTML). */
export function renderEvent(t: Translate, locale: Locale, timeZone: string, e: EventView): string {
  const lines = [
    t('notices.event_header', { title: escapeHtml(e.title) }),
    '',
    escapeHtml(e.description),
    '',
    t('notices.event_when', { time: formatLocalTime(e.starts_at, locale, timeZone) }),
    t('notices.event_where', { place: escapeHtml(e.place) }),
    e.capacity === null ? t('notices.event_no_limit') : t('notices.event_capacity', { capacity: e.capacity }),
    t('notices.event_deadline', { time: formatLocalTime(e.rsvp_deadline, locale, timeZone) }),
  ];
  return lines.join('\n');
}

export function rsvpKeyboard(t: Translate, eventId: number): InlineKeyboard {
  return [
    [
      { text: t('notices.going_button'), callback_data: eventButton.pack({ action: 'go', id: eventId }) },
      { text: t('notices.not_going_button'), callback_data: eventButton.pack({ action: 'no', id: eventId }) },
    ],
  ];
}

/**
 * A personal message about an event someone is going to (a freed place, a reminder), with the
 * "Can't go" button so they can give the place back from there.
 */
export function goingNotice(t: Translate, key: string, locale: Locale, timeZone: string, e: EventRow): Card {
  return {
    text: t(key, { title: escapeHtml(e.title), time: formatLocalTime(e.starts_at, locale, timeZone), place: escapeHtml(e.place) }),
    keyboard: [[{ text: t('notices.not_going_button'), callback_data: eventButton.pack({ action: 'no', id: e.id }) }]],
  };
}

export const promotionNotice = (t: Translate, locale: Locale, timeZone: string, e: EventRow) =>
  goingNotice(t, 'notices.promoted', locale, timeZone, e);

export const reminderNotice = (t: Translate, kind: ReminderKind, locale: Locale, timeZone: string, e: EventRow) =>
  goingNotice(t, `notices.reminder_${kind}`, locale, timeZone, e);

/** After the event: how was it, one to five stars. */
export function ratingQuestion(t: Translate, e: EventRow): Card {
  const scores = [1, 2, 3, 4, 5].map((n) => ({ text: '⭐'.repeat(n), callback_data: ratingButton.pack({ event: e.id, score: n }) }));
  return { text: t('notices.rate_question', { title: escapeHtml(e.title) }), keyboard: [scores.slice(0, 3), scores.slice(3)] };
}

export function ratingDone(t: Translate, title: string, score: number): string {
  return t('notices.rating_done', { title: escapeHtml(title), stars: '⭐'.repeat(score) });
}

/** To the organiser and the committee group: an event was rated low (no name: the attendee spoke to the bot, not to the group). */
export function lowRatingNotice(t: Translate, locale: Locale, timeZone: string, e: EventRow, score: number): string {
  return t('notices.low_rating', {
    title: escapeHtml(e.title),
    time: formatLocalTime(e.starts_at, locale, timeZone),
    stars: '⭐'.repeat(score),
    score,
  });
}

/** The comment that came after a low rating. */
export function lowRatingComment(t: Translate, locale: Locale, timeZone: string, e: EventRow, score: number, comment: string): string {
  return t('notices.low_rating_comment', {
    title: escapeHtml(e.title),
    time: formatLocalTime(e.starts_at, locale, timeZone),
    stars: '⭐'.repeat(score),
    comment: escapeHtml(comment),
  });
}

/** What a person's own answer and the event's numbers are, for their /events card. */
export interface EventCardFacts {
  /** People on the waiting list. */
  waiting: number;
  mine?: { status: string; position?: number };
  rsvpOpen: boolean;
  /** Staff of the event's community also get the list button. */
  staff: boolean;
}

/** One event of /events: the invitation, the numbers, the person's own answer and its buttons. */
export function eventCard(t: Translate, locale: Locale, timeZone: string, e: EventRow, facts: EventCardFacts): Card {
  const answer =
    facts.mine?.status === 'going'
      ? t('notices.you_are_going')
      : facts.mine?.status === 'waiting'
        ? t('notices.you_are_waiting', { position: facts.mine.position ?? 0 })
        : '';
  const counts = t('notices.event_counts', { going: e.going, capacity: e.capacity ?? '∞', waiting: facts.waiting });
  const text = [renderEvent(t, locale, timeZone, e), '', counts, answer].filter(Boolean).join('\n');
  const keyboard: InlineKeyboard = facts.rsvpOpen ? rsvpKeyboard(t, e.id) : [];
  if (facts.staff) keyboard.push([{ text: t('notices.list_button'), callback_data: eventButton.pack({ action: 'list', id: e.id }) }]);
  return { text, keyboard };
}

/** Staff's list of who goes and who waits; once the event has started, ticks for who came. */
export function attendanceCard(t: Translate, locale: Locale, timeZone: string, e: EventRow, people: Attendee[], now: number): Card {
  const going = people.filter((p) => p.status === 'going');
  const waiting = people.filter((p) => p.status === 'waiting');
  const name = (p: Attendee) => escapeHtml(p.first_name) + (p.unit ? ` (${escapeHtml(p.unit)})` : '');
  const started = now >= e.starts_at;
  const came = (p: Attendee) => (started ? (p.attended === 1 ? ' ✅' : p.attended === 0 ? ' ❌' : '') : '');
  const lines = [
    t('notices.list_title', { title: escapeHtml(e.title), time: formatLocalTime(e.starts_at, locale, timeZone) }),
    '',
    t('notices.list_going', { count: going.length, capacity: e.capacity ?? '∞' }),
    ...going.map((p, i) => `${i + 1}. ${name(p)}${came(p)}`),
  ];
  if (waiting.length > 0)
    lines.push('', t('notices.list_waiting', { count: waiting.length }), ...waiting.map((p, i) => `${i + 1}. ${name(p)}`));
  const keyboard: InlineKeyboard = [];
  if (started) {
    lines.push('', t('notices.attendance_hint'));
    const buttons = going.slice(0, MAX_ATTENDANCE_BUTTONS).map((p) => ({
      text: `${p.attended === 1 ? '✅' : '⬜'} ${p.first_name}`.slice(0, 40),
      callback_data: attendanceButton.pack({ event: e.id, user: p.user_id }),
    }));
    keyboard.push(...grid(buttons, 2));
    if (e.rating_asked_at === null)
      keyboard.push([{ text: t('notices.ask_ratings_button'), callback_data: eventButton.pack({ action: 'rate', id: e.id }) }]);
  }
  return { text: lines.join('\n'), keyboard };
}
