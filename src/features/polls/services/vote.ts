import type { CoreDeps } from '../../../deps';
import { ballotOf, castVote, inElectorate, optionsOf, voterKey, type Ballot, type PollRow, type VoteOutcome } from '../../../domain/polls';
import { receiptKey, signReceipt, verifyReceipt, type Receipt } from '../../../domain/poll-receipts';
import type { User } from '../../../store/schema';
import { maskOptions } from '../buttons';

/**
 * A resident's vote: who they vote as (themselves, or their household), whether the poll was
 * sent to them, whether the ticked options make a valid ballot, and (changing an anonymous
 * vote) whether the receipt is genuine; then castVote.
 */

export type Refused = 'not_recipient' | 'no_household' | 'pick_one' | 'pick_some';

/** Why this person may not vote in this poll at all, if they may not. */
export async function mayVote(deps: Pick<CoreDeps, 'db'>, poll: PollRow, user: User): Promise<Refused | undefined> {
  if (user.community_id !== poll.community_id || !(await inElectorate(deps.db, poll, user.id))) return 'not_recipient';
  return voterKey(poll, user) ? undefined : 'no_household';
}

/** The ballot the person (or their household) has cast, if any. */
export function currentBallot(deps: Pick<CoreDeps, 'db'>, poll: PollRow, user: User): Promise<Ballot | undefined> {
  const key = voterKey(poll, user);
  return key ? ballotOf(deps.db, poll, key) : Promise.resolve(undefined);
}

/** What a press of an option does to the ticked set: a single-choice poll keeps one. */
export function toggled(poll: PollRow, mask: number, option: number): number {
  const bit = 1 << option;
  if (poll.multiple) return mask ^ bit;
  return mask & bit ? 0 : bit;
}

/** A forged mask (options the poll does not have) is not a ballot. */
export const validMask = (poll: PollRow, mask: number) => mask >= 0 && mask < 1 << optionsOf(poll).length;

/** When, and by which update, a press casts a ballot. */
export interface Press {
  now: number;
  updateId: number;
}

/** Casts the ticked options; an anonymous voter changing their vote brings the receipt of what they cast, which must be this bot's for them. */
export async function vote(
  deps: Pick<CoreDeps, 'db' | 'config'>,
  press: Press,
  poll: PollRow,
  user: User,
  mask: number,
  receipt?: Receipt,
): Promise<VoteOutcome | Refused> {
  const refused = await mayVote(deps, poll, user);
  if (refused) return refused;
  const count = optionsOf(poll).length;
  const options = maskOptions(mask, count);
  if (options.length === 0) return poll.multiple ? 'pick_some' : 'pick_one';
  if (!poll.multiple && options.length > 1) return 'pick_one';
  const key = voterKey(poll, user)!;
  if (receipt && !genuine(deps, poll, key, receipt)) return 'stale';
  const castAs = receipt && { options: maskOptions(receipt.mask, count), changes: receipt.changes };
  const voter = { key, userId: user.id, buildingId: user.building_id, updateId: press.updateId };
  return castVote(deps.db, press.now, poll, voter, options, castAs);
}

/** Was this receipt signed by this bot, for this voter of this anonymous poll? */
const genuine = (deps: Pick<CoreDeps, 'config'>, poll: PollRow, key: string, r: Receipt) =>
  poll.anonymous === 1 && validMask(poll, r.mask) && verifyReceipt(receiptKey(deps.config.botToken), poll.id, key, r);

/** The receipt of an anonymous ballot, for the buttons of the voter's message. */
export function issueReceipt(deps: Pick<CoreDeps, 'config'>, poll: PollRow, user: User, mask: number, changes: number): Receipt {
  return signReceipt(receiptKey(deps.config.botToken), poll.id, voterKey(poll, user)!, mask, changes);
}
