import { DAY } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import {
  askForRatings,
  attendees,
  createEvent,
  eventsOf,
  goingTo,
  myRsvp,
  notGoingTo,
  rsvpOpen,
  sendDueReminders,
  waitingCount,
  waitingPosition,
  type EventRow,
  type GoingResult,
  type NotGoingResult,
} from '../../../domain/events';
import type { Recipient } from '../../../domain/notices';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';
import type { Audience } from '../../../store/schema/delivery';
import {
  attendanceCard,
  eventCard,
  promotionNotice,
  ratingQuestion,
  reminderNotice,
  renderEvent,
  rsvpKeyboard,
  type Card,
  type EventView,
} from '../views/events';
import { broadcastOfUpdate } from '../../../delivery/broadcasts';
import { sendBroadcast } from './broadcasts';

/** What happens around an event: the invitation, RSVPs, a freed place, reminders, ratings. */

/** A personal message through the outbox, in the person's language, written in the caller's transaction. */
async function tellPerson(
  deps: CoreDeps,
  tx: Executor,
  now: number,
  userId: number,
  card: (t: Translate, locale: Locale) => Card,
  ref?: string,
): Promise<void> {
  const locale = await deps.users.localeOf(userId, tx);
  const { text, keyboard } = card(deps.i18n.translator(locale), locale);
  await enqueue(tx, now, { chatId: userId, text, keyboard, priority: PRIORITY.personal, ref });
}

export interface NewInvitation {
  communityId: string;
  createdBy: number;
  audience: Audience;
  event: EventView;
  recipients: Recipient[];
  updateId: number;
}

/** /event's send: the event and its invitation broadcast (with Going / Can't go) in one transaction. */
export async function inviteToEvent(deps: CoreDeps, now: number, n: NewInvitation): Promise<void> {
  const tz = deps.config.timezone;
  const e = n.event;
  await deps.db.transaction().execute(async (tx) => {
    // Handled again after a crash: the event and its invitation exist already (see sendNotice).
    if ((await broadcastOfUpdate(tx, now, n)) !== undefined) return;
    const id = await createEvent(tx, now, {
      communityId: n.communityId,
      title: e.title,
      description: e.description,
      place: e.place,
      startsAt: e.starts_at,
      capacity: e.capacity,
      rsvpDeadline: e.rsvp_deadline,
      audience: n.audience,
      createdBy: n.createdBy,
    });
    await sendBroadcast(tx, now, deps, {
      updateId: n.updateId,
      communityId: n.communityId,
      kind: 'event',
      eventId: id,
      createdBy: n.createdBy,
      audience: n.audience,
      topic: 'events',
      urgent: false,
      text: escapeHtml(e.title),
      recipients: n.recipients,
      render: (locale) => {
        const t = deps.i18n.translator(locale);
        return { text: renderEvent(t, locale, tz, e), keyboard: rsvpKeyboard(t, id) };
      },
    });
  });
  deps.sender.poke();
}

export function going(deps: CoreDeps, eventId: number, userId: number): Promise<GoingResult> {
  return goingTo(deps.db, deps.clock.now(), eventId, userId);
}

/** What "Can't go" did; already_not_going: the person had said so before (a second tap), nothing changed. */
export type NotGoingOutcome = { outcome: NotGoingResult['outcome'] | 'already_not_going'; promoted: number[] };

/**
 * "Can't go": the place goes to the first on the waiting list, who hears it at once. A person's
 * presses are handled one after another (one chat at a time), so the answer read before tells a
 * second tap from a first "can't go".
 */
export async function notGoing(deps: CoreDeps, eventId: number, userId: number): Promise<NotGoingOutcome> {
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const before = await myRsvp(deps.db, eventId, userId);
  const r = await notGoingTo(deps.db, now, eventId, userId, (tx, promotedId, e) =>
    tellPerson(deps, tx, now, promotedId, (t, locale) => promotionNotice(t, locale, tz, e)),
  );
  if (r.promoted.length > 0) deps.sender.poke();
  if (r.outcome === 'not_going' && before?.status === 'declined') return { ...r, outcome: 'already_not_going' };
  return r;
}

/** Once per event: everyone who came is asked for a rating. */
export async function askAttendeesToRate(deps: CoreDeps, eventId: number): Promise<number | 'already'> {
  const now = deps.clock.now();
  const asked = await askForRatings(deps.db, now, eventId, (tx, userId, e) =>
    tellPerson(deps, tx, now, userId, (t) => ratingQuestion(t, e)),
  );
  deps.sender.poke();
  return asked;
}

/** The scheduled reminders: the day before and two hours before, to everyone going. */
export async function sendReminders(deps: CoreDeps, now: number): Promise<void> {
  const tz = deps.config.timezone;
  const count = await sendDueReminders(deps.db, now, async (tx, kind, userIds, e) => {
    for (const userId of userIds)
      await tellPerson(deps, tx, now, userId, (t, locale) => reminderNotice(t, kind, locale, tz, e), `event:${e.id}:reminder:${kind}`);
  });
  if (count > 0) deps.sender.poke();
}

/** Staff's attendance list of an event, as it stands now. */
export async function attendanceOf(deps: CoreDeps, t: Translate, locale: Locale, e: EventRow, now = deps.clock.now()): Promise<Card> {
  return attendanceCard(t, locale, deps.config.timezone, e, await attendees(deps.db, e.id), now);
}

/** /events: upcoming events with the person's own answer; staff also see the last week's, with each event's list. */
export async function eventCards(
  deps: CoreDeps,
  t: Translate,
  locale: Locale,
  who: { userId: number; communityId: string; staff: boolean },
): Promise<Card[]> {
  const now = deps.clock.now();
  const list = await eventsOf(deps.db, who.communityId, who.staff ? now - 7 * DAY : now);
  const cards: Card[] = [];
  for (const e of list) {
    const mine = await myRsvp(deps.db, e.id, who.userId);
    const position = mine?.status === 'waiting' ? await waitingPosition(deps.db, e.id, who.userId) : undefined;
    const waiting = await waitingCount(deps.db, e.id);
    const facts = { waiting, mine: mine && { status: mine.status, position }, rsvpOpen: rsvpOpen(e, now), staff: who.staff };
    cards.push(eventCard(t, locale, deps.config.timezone, e, facts));
  }
  return cards;
}
