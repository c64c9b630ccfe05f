import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Executor } from '../store/db';
import type { User } from '../store/schema';
import type { Audience } from '../store/schema/delivery';
import { audit } from './audit';
import { REDELIVERY_WINDOW } from './redelivery';

/**
 * Resident votes (居民议事, 评选 in rounds). A ballot is cast by a voter: a person, or on a
 * per-household poll the household (building + unit). That someone voted (poll_voters) and
 * the counts (poll_tallies) are kept apart; only a named poll also keeps which options a voter
 * chose (poll_choices), so that they can change them until it closes. An anonymous poll keeps
 * no link: its voter changes their vote with the receipt their own message carries in its
 * buttons (poll-receipts.ts), which says what they cast; the database cannot.
 *
 * Decisions (issue 20):
 * - A household is the building and the unit as the resident typed it at registration, folded
 *   by normalizeUnit. A resident with no unit cannot vote in a per-household poll (told why).
 * - The household's first ballot counts; the member who cast it may change it.
 *   A second member who presses Vote hears that the household has voted and that only the
 *   member who voted can change it; /polls shows them "your household has voted" without what
 *   was chosen, and they may see the standings where the poll shows them to voters.
 * - The electorate is fixed when the poll is sent: its broadcast's messages. Someone who
 *   registers later is not sent it and cannot vote in it.
 * - The ticked options before Vote travel in the buttons (buttons.ts), not in any table, and
 *   every answer to a press is a direct reply: no outbox row, audit line or session names a
 *   choice on an anonymous poll (test/polls.test.ts compares every stored row of two voters).
 *   A ballot leaves no audit line either: its time beside the tallies' changes could name it.
 * - Every ballot, cast or changed, writes every option row of the poll in one statement
 *   (recount), so the rows its transaction wrote are the same whatever was chosen: on
 *   PostgreSQL all tally rows carry the voter's transaction id (xmin), not just the chosen ones
 *   (test/polls-postgres.test.ts).
 * - An anonymous vote changes only with its receipt: the options as cast and the voter's change
 *   count, signed with a key derived from the bot token. A receipt lost (the message deleted,
 *   the bot token replaced) leaves the vote standing as cast; /polls cannot redraw it.
 * - A Vote or Change press handled again after a crash finds its own write by its update id (kept
 *   on the voter row) and answers as it did, counting once; the voter's message gets its receipt.
 * - A reminder goes once, a day before closing, to those reached who have not voted and still
 *   take notices; a poll sent less than a day before closing has none.
 * - Next round: the top K, and any tied with the K-th, with at least one vote each.
 */

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_OPTION_LENGTH = 60;
export const MAX_QUESTION = 300;
/** Non-voters hear once, this long before closing. */
export const REMIND_BEFORE_CLOSE = 24 * 3600_000;

export interface NewPoll {
  communityId: string;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  perHousehold: boolean;
  resultsAfterVote: boolean;
  audience: Audience;
  closesAt: number;
  createdBy: number;
  round: number;
  previousId?: number;
  keepTop?: number;
}

export type PollRow = NonNullable<Awaited<ReturnType<typeof findPoll>>>;

export function findPoll(db: Executor, id: number) {
  return db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
}

export const optionsOf = (poll: Pick<PollRow, 'options'>): string[] => JSON.parse(poll.options) as string[];

export async function createPoll(tx: Executor, now: number, p: NewPoll): Promise<number> {
  const row = await tx
    .insertInto('polls')
    .values({
      community_id: p.communityId,
      question: p.question,
      options: JSON.stringify(p.options),
      multiple: p.multiple ? 1 : 0,
      anonymous: p.anonymous ? 1 : 0,
      per_household: p.perHousehold ? 1 : 0,
      results_after_vote: p.resultsAfterVote ? 1 : 0,
      audience: JSON.stringify(p.audience),
      broadcast_id: null,
      round: p.round,
      previous_id: p.previousId ?? null,
      keep_top: p.keepTop ?? null,
      closes_at: p.closesAt,
      created_by: p.createdBy,
      created_at: now,
      reminded_at: null,
      closed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await tx
    .insertInto('poll_tallies')
    .values(p.options.map((_, option) => ({ poll_id: id, option, votes: 0 })))
    .execute();
  await audit(tx, now, p.createdBy, 'poll.create', `poll:${id}`, { community: p.communityId, round: p.round, anonymous: p.anonymous });
  return id;
}

export async function attachBroadcast(tx: Executor, pollId: number, broadcastId: number): Promise<void> {
  await tx.updateTable('polls').set({ broadcast_id: broadcastId }).where('id', '=', pollId).execute();
}

/**
 * "3-201", "3－201 ", "3 - 201" are one flat: full-width forms folded (NFKC), dashes made one,
 * spaces and case ignored. Residents type their unit freely at registration.
 */
export function normalizeUnit(unit: string): string {
  return unit
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s]+/g, '')
    .replace(/[‐‑‒–—―−ー－]/g, '-');
}

/** Who casts the ballot: the person, or their household; undefined when the household is unknown (no unit). */
export function voterKey(poll: Pick<PollRow, 'per_household'>, user: Pick<User, 'id' | 'building_id' | 'unit'>): string | undefined {
  if (!poll.per_household) return `u:${user.id}`;
  if (!user.building_id || !user.unit || !normalizeUnit(user.unit)) return undefined;
  return `h:${user.building_id}:${normalizeUnit(user.unit)}`;
}

/** Was the poll sent to this person? Its broadcast's messages are its electorate (fixed when it was sent). */
export async function inElectorate(db: Executor, poll: Pick<PollRow, 'broadcast_id'>, userId: number): Promise<boolean> {
  if (!poll.broadcast_id) return false;
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('broadcast_id', '=', poll.broadcast_id)
    .where('chat_id', '=', userId)
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
  return row !== undefined;
}

export interface Ballot {
  user_id: number | null;
  voter_key: string;
  /** Times it was changed: signed into an anonymous voter's receipt. */
  changes: number;
  /** The update whose press last wrote it, and when. */
  last_update_id: number | null;
  voted_at: number;
  /** Named polls: the options chosen; anonymous: undefined. */
  choices?: number[];
}

/** The ballot cast by this voter key, if any (with its options on a named poll). */
export async function ballotOf(db: Executor, poll: Pick<PollRow, 'id' | 'anonymous'>, key: string): Promise<Ballot | undefined> {
  const row = await db
    .selectFrom('poll_voters')
    .select(['user_id', 'voter_key', 'changes', 'last_update_id', 'voted_at'])
    .where('poll_id', '=', poll.id)
    .where('voter_key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  const ballot = { ...row, changes: Number(row.changes), last_update_id: row.last_update_id ?? null, voted_at: Number(row.voted_at) };
  if (poll.anonymous) return ballot;
  const choices = await db
    .selectFrom('poll_choices')
    .select('option')
    .where('poll_id', '=', poll.id)
    .where('voter_key', '=', key)
    .orderBy('option')
    .execute();
  return { ...ballot, choices: choices.map((c) => c.option) };
}

/** 'stale': an anonymous voter's receipt from before their last change. */
export type VoteOutcome = 'voted' | 'changed' | 'unchanged' | 'closed' | 'household_voted' | 'final' | 'stale';

/** An anonymous ballot as its voter's receipt says it was cast; the caller has checked the receipt's signature. */
export interface CastAs {
  options: number[];
  changes: number;
}

interface Voter {
  key: string;
  userId: number;
  buildingId: string | null;
  /** The update whose press casts it. */
  updateId: number;
}

/**
 * Casts or changes a ballot in one transaction. The guard UPDATE on the poll row comes first,
 * so a closing that runs at the same instant waits for this ballot (PostgreSQL locks the row)
 * or this ballot sees the poll closed; the voter row's primary key lets one ballot per voter
 * in, whichever process or household member is first. An anonymous ballot changes only with
 * the receipt of it (`castAs`); without one it is 'final'. A press handled again finds its own
 * write done (see redone).
 */
export async function castVote(
  db: Db,
  now: number,
  poll: Pick<PollRow, 'id' | 'anonymous'>,
  voter: Voter,
  options: number[],
  castAs?: CastAs,
): Promise<VoteOutcome> {
  return db.transaction().execute(async (tx) => {
    const open = await tx
      .updateTable('polls')
      .set({ status: 'open' })
      .where('id', '=', poll.id)
      .where('status', '=', 'open')
      .where('closes_at', '>', now)
      .executeTakeFirst();
    if (Number(open.numUpdatedRows) === 0) return 'closed';
    if (await firstBallot(tx, now, poll, voter, options)) return 'voted';
    const ballot = await ballotOf(tx, poll, voter.key);
    if (ballot?.user_id !== voter.userId) return 'household_voted';
    const again = redone(now, poll, ballot, voter.updateId, castAs);
    if (again) return again;
    if (!poll.anonymous) return changeBallot(tx, now, poll, voter, { options: ballot.choices ?? [], changes: ballot.changes }, options);
    if (!castAs) return 'final';
    return ballot.changes === castAs.changes ? changeBallot(tx, now, poll, voter, castAs, options) : 'stale';
  });
}

/**
 * This very press wrote the ballot last: the update was handled again after a crash
 * (update-claims.ts), maybe before the voter's message got its new receipt. It answers as it
 * did, without counting again, and the caller issues the receipt again for the press's options:
 * the same update carries the same options, and its write was the last, so that is what is
 * counted. Telegram numbers updates, so no other press (a double tap, a copied or older receipt,
 * another person) has this id within the day it redelivers one; after a week without updates it
 * may reuse ids (redelivery.ts), so an older write is not this press. An anonymous ballot's count
 * must also be the one this press led to (its receipt's plus one, or 0 for a first vote).
 * Anonymity: the update id names the press, not what it chose (the bot keeps no update's
 * buttons; processed_updates holds the id alone). On PostgreSQL it is written in the same row,
 * by the same transaction, as before: the voter row, the poll row and every tally row, so the
 * rows sharing the voter's xmin are the same whatever was chosen (test/polls-postgres.test.ts).
 */
function redone(now: number, poll: Pick<PollRow, 'anonymous'>, ballot: Ballot, updateId: number, castAs?: CastAs) {
  if (ballot.last_update_id !== updateId || ballot.voted_at < now - REDELIVERY_WINDOW) return undefined;
  if (poll.anonymous && ballot.changes !== (castAs ? castAs.changes + 1 : 0)) return undefined;
  return ballot.changes === 0 ? 'voted' : 'changed';
}

/** The voter's first ballot, unless they (or their household) have one. */
async function firstBallot(tx: Executor, now: number, poll: Pick<PollRow, 'id' | 'anonymous'>, voter: Voter, options: number[]) {
  const inserted = await tx
    .insertInto('poll_voters')
    .values({
      poll_id: poll.id,
      voter_key: voter.key,
      user_id: voter.userId,
      building_id: voter.buildingId,
      voted_at: now,
      last_update_id: voter.updateId,
    })
    .onConflict((oc) => oc.columns(['poll_id', 'voter_key']).doNothing())
    .returning('poll_id')
    .executeTakeFirst();
  if (!inserted) return false;
  await recount(tx, poll.id, options, []);
  if (!poll.anonymous) await writeChoices(tx, poll.id, voter.key, options);
  await tx
    .updateTable('polls')
    .set((eb) => ({ voters: eb('voters', '+', 1) }))
    .where('id', '=', poll.id)
    .execute();
  return true;
}

/** Moves a ballot from `was` to `options`; the change count guards against a second change from the same receipt. */
async function changeBallot(
  tx: Executor,
  now: number,
  poll: Pick<PollRow, 'id' | 'anonymous'>,
  voter: Voter,
  was: CastAs,
  options: number[],
): Promise<VoteOutcome> {
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b).join();
  if (sorted(was.options) === sorted(options)) return 'unchanged';
  const bumped = await tx
    .updateTable('poll_voters')
    .set((eb) => ({ voted_at: now, last_update_id: voter.updateId, changes: eb('changes', '+', 1) }))
    .where('poll_id', '=', poll.id)
    .where('voter_key', '=', voter.key)
    .where('changes', '=', was.changes)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) === 0) return 'stale';
  await recount(tx, poll.id, options, was.options);
  if (poll.anonymous) return 'changed';
  await tx.deleteFrom('poll_choices').where('poll_id', '=', poll.id).where('voter_key', '=', voter.key).execute();
  await writeChoices(tx, poll.id, voter.key, options);
  return 'changed';
}

/**
 * Adds a ballot's options and takes back the ones it had, in one statement that writes every
 * option row of the poll (most by +0): which rows a ballot wrote, and with which transaction
 * (PostgreSQL's xmin), is the same whatever it chose.
 */
async function recount(tx: Executor, pollId: number, plus: number[], minus: number[]): Promise<void> {
  const delta = (list: number[]) =>
    list.length === 0 ? sql<number>`0` : sql<number>`case when ${sql.ref('option')} in (${sql.join(list)}) then 1 else 0 end`;
  await tx
    .updateTable('poll_tallies')
    .set({ votes: sql<number>`${sql.ref('votes')} + ${delta(plus)} - ${delta(minus)}` })
    .where('poll_id', '=', pollId)
    .execute();
}

async function writeChoices(tx: Executor, pollId: number, key: string, options: number[]): Promise<void> {
  if (options.length === 0) return;
  await tx
    .insertInto('poll_choices')
    .values(options.map((option) => ({ poll_id: pollId, voter_key: key, option })))
    .execute();
}

/** Votes per option, in the options' order. */
export async function tallies(db: Executor, pollId: number): Promise<number[]> {
  const rows = await db.selectFrom('poll_tallies').select(['option', 'votes']).where('poll_id', '=', pollId).orderBy('option').execute();
  return rows.map((r) => Number(r.votes));
}

/**
 * The options going on to the next round: the top `k` by votes, and any tied with the k-th
 * (a tie at the cut is not decided by list order); each with at least one vote.
 */
export function topOptions(options: string[], votes: number[], k: number): string[] {
  const ranked = options.map((label, i) => ({ label, votes: votes[i] ?? 0, i })).sort((a, b) => b.votes - a.votes || a.i - b.i);
  const cut = ranked[Math.min(k, ranked.length) - 1]?.votes ?? 0;
  return ranked.filter((o, rank) => o.votes > 0 && (rank < k || o.votes === cut)).map((o) => o.label);
}

export interface BuildingTurnout {
  buildingId: string;
  /** Persons, or households (with a known unit) on a per-household poll, the poll was sent to. */
  reached: number;
  voted: number;
}

/** Turnout per building: the electorate as it lives now (users' buildings and units) against the ballots. */
export async function turnoutByBuilding(
  db: Executor,
  poll: Pick<PollRow, 'id' | 'broadcast_id' | 'per_household'>,
): Promise<BuildingTurnout[]> {
  const reached = await electorate(db, poll);
  const voters = await db.selectFrom('poll_voters').select('building_id').where('poll_id', '=', poll.id).execute();
  const byBuilding = new Map<string, { reached: Set<string>; voted: number }>();
  const entry = (b: string) => byBuilding.get(b) ?? byBuilding.set(b, { reached: new Set(), voted: 0 }).get(b)!;
  for (const r of reached) {
    if (!r.building_id) continue;
    const key = voterKey(poll, { id: r.id, building_id: r.building_id, unit: r.unit });
    if (key) entry(r.building_id).reached.add(key);
  }
  for (const v of voters) if (v.building_id) entry(v.building_id).voted++;
  return [...byBuilding.entries()]
    .map(([buildingId, e]) => ({ buildingId, reached: e.reached.size, voted: e.voted }))
    .sort((a, b) => a.buildingId.localeCompare(b.buildingId, 'en', { numeric: true }));
}

/** Open polls of a community, soonest closing first. */
export function openPolls(db: Executor, communityId: string) {
  return db
    .selectFrom('polls')
    .selectAll()
    .where('community_id', '=', communityId)
    .where('status', '=', 'open')
    .where('broadcast_id', 'is not', null)
    .orderBy('closes_at')
    .execute();
}

/** Open polls whose closing time has come. */
export function dueToClose(db: Executor, now: number) {
  return db.selectFrom('polls').selectAll().where('status', '=', 'open').where('closes_at', '<=', now).orderBy('id').execute();
}

/** Closes one poll; false when another run (or process) closed it first. */
export async function claimClose(tx: Executor, now: number, id: number): Promise<boolean> {
  const done = await tx
    .updateTable('polls')
    .set({ status: 'closed', closed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}

/** Open polls whose reminder is due: closing within a day, and sent more than a day before closing. */
export function dueForReminder(db: Executor, now: number) {
  return db
    .selectFrom('polls')
    .selectAll()
    .where('status', '=', 'open')
    .where('reminded_at', 'is', null)
    .where('broadcast_id', 'is not', null)
    .where('closes_at', '>', now)
    .where('closes_at', '<=', now + REMIND_BEFORE_CLOSE)
    .where((eb) => eb('created_at', '<', eb('closes_at', '-', REMIND_BEFORE_CLOSE)))
    .orderBy('id')
    .execute();
}

/** Marks one poll reminded; false when another run did it first. */
export async function claimReminder(tx: Executor, now: number, id: number): Promise<boolean> {
  const done = await tx
    .updateTable('polls')
    .set({ reminded_at: now })
    .where('id', '=', id)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}

/** Who the poll reached (its broadcast's delivered messages), as they live now. */
export function electorate(db: Executor, poll: Pick<PollRow, 'broadcast_id'>) {
  return db
    .selectFrom('outbox')
    .innerJoin('users', 'users.id', 'outbox.chat_id')
    .select(['users.id', 'users.locale', 'users.building_id', 'users.unit'])
    .where('outbox.broadcast_id', '=', poll.broadcast_id ?? -1)
    .where('outbox.status', '=', 'sent')
    .execute();
}

/** Voter keys that have voted, for leaving them out of the reminder. */
export async function votedKeys(db: Executor, pollId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('poll_voters').select('voter_key').where('poll_id', '=', pollId).execute();
  return new Set(rows.map((r) => r.voter_key));
}

/** /mydata: the polls this person voted in, with their options on named polls. */
export async function votesOf(db: Executor, userId: number) {
  const rows = await db
    .selectFrom('poll_voters')
    .innerJoin('polls', 'polls.id', 'poll_voters.poll_id')
    .select(['polls.id', 'polls.question', 'polls.options', 'polls.anonymous', 'poll_voters.voter_key', 'poll_voters.voted_at'])
    .where('poll_voters.user_id', '=', userId)
    .orderBy('poll_voters.voted_at')
    .execute();
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      choices: r.anonymous ? undefined : (await ballotOf(db, { id: r.id, anonymous: 0 }, r.voter_key))?.choices,
    })),
  );
}

/**
 * /deleteme: a named ballot's link to its options goes (the counts stay, as anonymous counts),
 * and the voter row no longer names the person; it keeps the ballot's place so the voter
 * (or their household) cannot vote twice in a poll still open.
 */
export async function eraseVotes(db: Executor, userId: number): Promise<void> {
  const rows = await db.selectFrom('poll_voters').select(['poll_id', 'voter_key']).where('user_id', '=', userId).execute();
  for (const r of rows) {
    await db.deleteFrom('poll_choices').where('poll_id', '=', r.poll_id).where('voter_key', '=', r.voter_key).execute();
    // A personal key names the person: it becomes an opaque one. A household's stays, so the household cannot vote again.
    const key = r.voter_key.startsWith('u:') ? `x:${randomUUID()}` : r.voter_key;
    // The update id goes too: a log line of that press (its update id beside the user's) would name the person again.
    await db
      .updateTable('poll_voters')
      .set({ user_id: null, voter_key: key, last_update_id: null })
      .where('poll_id', '=', r.poll_id)
      .where('voter_key', '=', r.voter_key)
      .execute();
  }
}
