import type { Generated } from 'kysely';

/** Row types of the tables in migrations/004_delivery.ts. Times are epoch milliseconds, flags 0/1. */

export type Topic = 'notices' | 'events' | 'safety' | 'volunteering';
export type BroadcastStatus = 'sending' | 'done' | 'cancelled';

/** Who a notice or an invitation goes to; stored as JSON on the broadcast and the event. */
export type Audience =
  | { kind: 'community' }
  | { kind: 'buildings'; buildings: string[] }
  | { kind: 'volunteers' }
  | { kind: 'team'; team: string }
  | { kind: 'topic'; topic: Topic }
  /** The contacts of the community's partner units (issue 18: units are invited to events). */
  | { kind: 'units' };

/** One notice or invitation to many people; its messages are the outbox rows with its id. */
export interface BroadcastsTable {
  id: Generated<number>;
  community_id: string;
  kind: 'notice' | 'event' | 'poll';
  event_id: number | null;
  created_by: number;
  /** JSON Audience. */
  audience: string;
  topic: Topic;
  urgent: number;
  text: string;
  photo: string | null;
  total: number;
  status: BroadcastStatus;
  /** The last progress text shown, so an unchanged one is not sent again (Telegram refuses it). */
  progress_text: string | null;
  created_at: number;
  finished_at: number | null;
  /** Added by 020: the update that started it (once per update, even when handled again after a crash). */
  update_id?: number | null;
}

/** Only changes from the defaults are stored (see domain/notices.ts TOPIC_DEFAULTS). */
export interface SubscriptionsTable {
  user_id: number;
  topic: Topic;
  subscribed: number;
  updated_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  community_id: string;
  title: string;
  description: string;
  place: string;
  starts_at: number;
  /** Null: no limit. */
  capacity: number | null;
  rsvp_deadline: number;
  /** Places taken; moved only by guarded UPDATEs (see domain/events.ts). */
  going: Generated<number>;
  status: 'open' | 'cancelled';
  audience: string;
  created_by: number;
  created_at: number;
  reminded_day_at: number | null;
  reminded_soon_at: number | null;
  rating_asked_at: number | null;
}

export type RsvpStatus = 'going' | 'waiting' | 'declined';

export interface RsvpsTable {
  event_id: number;
  user_id: number;
  status: RsvpStatus;
  /** Order on the waiting list. */
  queued_at: number;
  attended: number | null;
  rating: number | null;
  /** When the rating was given (migration 010). */
  rated_at: number | null;
  /** The attendee's optional words after the stars, once (migration 010). */
  rating_comment: string | null;
  updated_at: number;
}

export interface DeliveryTables {
  broadcasts: BroadcastsTable;
  subscriptions: SubscriptionsTable;
  events: EventsTable;
  rsvps: RsvpsTable;
}
