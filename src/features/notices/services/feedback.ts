import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { committeeGroup } from '../../../domain/chat-links';
import { commentEventRating, findEvent, LOW_EVENT_RATING, myRsvp, rateEvent, type EventRow } from '../../../domain/events';
import type { Executor } from '../../../store/db';
import type { Locale, Translate } from '../../../i18n';
import { lowRatingComment, lowRatingNotice } from '../views/events';

/**
 * What attendees say after an event: the stars, then an optional comment. A low rating (≤ 2)
 * reaches the event's organiser (who created it), privately in their language, and the
 * committee group, at once; a comment on it follows the same way. Higher ratings and their
 * comments are kept for the weekly summary only.
 */

/** The organiser and the committee group, each in their language, in the caller's transaction. */
async function tellStaff(
  deps: CoreDeps,
  tx: Executor,
  now: number,
  event: EventRow,
  say: (t: Translate, locale: Locale) => string,
  ref: string,
): Promise<void> {
  const to: { chatId: number; locale: Locale; priority: number }[] = [];
  const organiser = await deps.users.find(event.created_by, tx);
  if (organiser) to.push({ chatId: organiser.id, locale: deps.users.localeOfUser(organiser), priority: PRIORITY.personal });
  const committee = await committeeGroup(tx, event.community_id, deps.config.defaultLocale);
  if (committee) to.push({ ...committee, priority: PRIORITY.group });
  for (const m of to)
    await enqueue(tx, now, { chatId: m.chatId, text: say(deps.i18n.translator(m.locale), m.locale), priority: m.priority, ref });
}

/** An attendee's stars, once; false when this rating can no longer be given. */
export async function rateAttendedEvent(deps: CoreDeps, eventId: number, userId: number, score: number): Promise<boolean> {
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const rated = await deps.db.transaction().execute(async (tx) => {
    if (!(await rateEvent(tx, now, eventId, userId, score))) return false;
    const event = (await findEvent(tx, eventId))!;
    if (score <= LOW_EVENT_RATING)
      await tellStaff(deps, tx, now, event, (t, locale) => lowRatingNotice(t, locale, tz, event, score), `event:${eventId}:low:${userId}`);
    return true;
  });
  if (rated) deps.sender.poke();
  return rated;
}

/** The attendee's words after the stars, once; with a low rating they follow it to the organiser and the group. */
export async function commentOnEventRating(
  deps: CoreDeps,
  now: number,
  eventId: number,
  userId: number,
  comment: string,
): Promise<boolean> {
  const tz = deps.config.timezone;
  const commented = await deps.db.transaction().execute(async (tx) => {
    if (!(await commentEventRating(tx, now, eventId, userId, comment))) return false;
    const event = (await findEvent(tx, eventId))!;
    const score = (await myRsvp(tx, eventId, userId))?.rating ?? null;
    if (score !== null && score <= LOW_EVENT_RATING)
      await tellStaff(
        deps,
        tx,
        now,
        event,
        (t, locale) => lowRatingComment(t, locale, tz, event, score, comment),
        `event:${eventId}:low-comment:${userId}`,
      );
    return true;
  });
  if (commented) deps.sender.poke();
  return commented;
}
