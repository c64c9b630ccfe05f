import { callbackCodec } from '../../bot/callback';
import { TOPICS } from '../../domain/notices';

/**
 * The buttons of notices and events. The payloads keep the shapes they always had, so buttons
 * already sitting in people's chats keep working after an upgrade.
 */

/** /subscribe: switch one topic on or off. */
export const subscribeButton = callbackCodec('sub', { topic: TOPICS });

/** The Stop button under a broadcast's progress message. */
export const broadcastButton = callbackCodec('bc', { action: ['stop'], id: 'id' });

/** Residents' RSVP (go, no) and staff's list and rating request on one event. */
export const EVENT_ACTIONS = ['go', 'no', 'list', 'rate'] as const;
export const eventButton = callbackCodec('ev', { action: EVENT_ACTIONS, id: 'id' });

/** Staff tick who came: event and person. */
export const attendanceButton = callbackCodec('eva', { event: 'id', user: 'id' });

/** An attendee's rating, 1–5 (checked by the handler: a forged score is stale). */
export const ratingButton = callbackCodec('evr', { event: 'id', score: 'int' });
