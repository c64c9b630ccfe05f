import type { Executor } from '../store/db';
import type { Audience, Topic } from '../store/schema/delivery';

/**
 * Notices (居务公开): topics people subscribe to, and who an audience is. Urgent safety
 * notices (water cut, gas work, typhoon) reach everyone in the audience whatever their topics.
 */

export const TOPICS: readonly Topic[] = ['notices', 'events', 'safety', 'volunteering'];

/** Only changes from these are stored, so a new resident hears notices, events and safety at once. */
export const TOPIC_DEFAULTS: Record<Topic, boolean> = { notices: true, events: true, safety: true, volunteering: false };

export const AUDIENCE_KINDS = ['community', 'buildings', 'volunteers', 'team', 'topic', 'units'] as const;

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (TOPICS as readonly string[]).includes(value);
}

export async function subscriptionsOf(db: Executor, userId: number): Promise<Record<Topic, boolean>> {
  const rows = await db.selectFrom('subscriptions').select(['topic', 'subscribed']).where('user_id', '=', userId).execute();
  const result = { ...TOPIC_DEFAULTS };
  for (const r of rows) if (isTopic(r.topic)) result[r.topic] = r.subscribed === 1;
  return result;
}

export async function setSubscription(db: Executor, now: number, userId: number, topic: Topic, on: boolean): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ user_id: userId, topic, subscribed: on ? 1 : 0, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'topic']).doUpdateSet({ subscribed: on ? 1 : 0, updated_at: now }))
    .execute();
}

/** /deleteme: a person's topic choices go. */
export async function eraseSubscriptions(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('subscriptions').where('user_id', '=', userId).execute();
}

/**
 * The topic whose subscribers an audience is limited to, or null when it is not limited:
 * volunteers and team members hear their team's notices, and urgent notices reach everyone.
 */
export function topicFilter(audience: Audience, urgent: boolean, topic: Topic): Topic | null {
  if (urgent) return null;
  if (audience.kind === 'volunteers' || audience.kind === 'team' || audience.kind === 'units') return null;
  if (audience.kind === 'topic') return audience.topic;
  return topic;
}

export interface Recipient {
  id: number;
  locale: string;
}

/**
 * Everyone an audience reaches in a community: registered residents, limited by the topic
 * (when given). Those the bot knows it cannot reach (they blocked it) are counted apart.
 */
export async function audienceMembers(
  db: Executor,
  communityId: string,
  audience: Audience,
  topic: Topic | null,
): Promise<{ recipients: Recipient[]; unreachable: number }> {
  let q = db
    .selectFrom('users')
    .select(['users.id', 'users.locale', 'users.reachable'])
    .where('users.community_id', '=', communityId)
    .where('users.privacy_accepted_at', 'is not', null);
  if (audience.kind === 'buildings') q = q.where('users.building_id', 'in', audience.buildings.length > 0 ? audience.buildings : ['']);
  if (audience.kind === 'volunteers' || audience.kind === 'team') {
    const team = audience.kind === 'team' ? audience.team : undefined;
    q = q.where('users.id', 'in', volunteerIds(db, communityId, team));
  }
  if (audience.kind === 'units') q = q.where('users.id', 'in', unitContactIds(db, communityId));
  if (topic) {
    const t = topic;
    q = q.where((eb) => {
      const row = eb
        .selectFrom('subscriptions')
        .select('subscriptions.user_id')
        .whereRef('subscriptions.user_id', '=', 'users.id')
        .where('subscriptions.topic', '=', t);
      // Default on: everyone who did not switch it off. Default off: those who switched it on.
      return TOPIC_DEFAULTS[t]
        ? eb.not(eb.exists(row.where('subscriptions.subscribed', '=', 0)))
        : eb.exists(row.where('subscriptions.subscribed', '=', 1));
    });
  }
  const rows = await q.orderBy('users.id').execute();
  const recipients = rows.filter((r) => r.reachable === 1).map((r) => ({ id: r.id, locale: r.locale }));
  return { recipients, unreachable: rows.length - recipients.length };
}

/**
 * Approved volunteers of a community (or of one team), from the volunteer teams' table
 * (migrations/003_help.ts). The one place this feature reads another feature's tables.
 */
function volunteerIds(db: Executor, communityId: string, teamId?: string) {
  let q = db
    .selectFrom('team_members')
    .select('team_members.user_id')
    .where('team_members.community_id', '=', communityId)
    .where('team_members.status', '=', 'approved')
    .where('team_members.user_id', 'is not', null);
  if (teamId) q = q.where('team_members.team_id', '=', teamId);
  return q;
}

export function parseAudience(json: string): Audience {
  return JSON.parse(json) as Audience;
}

/** The contacts of a community's partner units (migrations/014_grid.ts), invited to events like residents. */
function unitContactIds(db: Executor, communityId: string) {
  return db
    .selectFrom('partner_units')
    .select((eb) => eb.fn.coalesce('contact_id', eb.val(0)).as('id'))
    .where('community_id', '=', communityId)
    .where('contact_id', 'is not', null);
}
