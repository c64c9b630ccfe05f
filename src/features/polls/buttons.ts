import { callbackCodec } from '../../bot/callback';
import type { Receipt } from '../../domain/poll-receipts';

/**
 * The buttons of a poll. The options ticked so far travel in the button itself (a bit per
 * option, at most 10), so nothing about a choice is stored before the vote is cast, and a
 * ballot of an anonymous poll is never written anywhere with its voter.
 */

/** Tick or untick one option; `mask` is what was ticked before this press. */
export const pickButton = callbackCodec('vt', { poll: 'id', mask: 'int', option: 'int' });

/** Cast (or change) the vote with the ticked options. */
export const voteButton = callbackCodec('vv', { poll: 'id', mask: 'int' });

/**
 * An anonymous voter's keyboard once they voted: the same ticks and Change my vote, each also
 * carrying the receipt of the ballot as cast (`was`, `changes`, `sig`: domain/poll-receipts.ts),
 * the only record of what that voter chose.
 */
export const pickAgainButton = callbackCodec('vc', { poll: 'id', mask: 'int', option: 'int', was: 'int', changes: 'int', sig: 'str' });
export const changeButton = callbackCodec('vx', { poll: 'id', mask: 'int', was: 'int', changes: 'int', sig: 'str' });

/** The standings: for a voter where the poll allows it, the live count for staff. */
export const resultsButton = callbackCodec('vr', { poll: 'id' });

/** After a selection round closes: its creator starts the next round with the top options. */
export const nextRoundButton = callbackCodec('vn', { poll: 'id' });

/** The options a mask ticks, in order. */
export const maskOptions = (mask: number, count: number): number[] => [...Array(count).keys()].filter((i) => (mask >> i) & 1);

export const optionsMask = (options: number[]): number => options.reduce((m, i) => m | (1 << i), 0);

/** The receipt a receipt-carrying button holds. */
export const receiptOf = (p: { was: number; changes: number; sig: string }): Receipt => ({ mask: p.was, changes: p.changes, sig: p.sig });
