import { callbackCodec } from '../../bot/callback';

/**
 * The buttons of a poll. The options ticked so far travel in the button itself (a bit per
 * option, at most 10), so nothing about a choice is stored before the vote is cast, and a
 * ballot of an anonymous poll is never written anywhere with its voter.
 */

/** Tick or untick one option; `mask` is what was ticked before this press. */
export const pickButton = callbackCodec('vt', { poll: 'id', mask: 'int', option: 'int' });

/** Cast (or change) the vote with the ticked options. */
export const voteButton = callbackCodec('vv', { poll: 'id', mask: 'int' });

/** The standings: for a voter where the poll allows it, the live count for staff. */
export const resultsButton = callbackCodec('vr', { poll: 'id' });

/** After a selection round closes: its creator starts the next round with the top options. */
export const nextRoundButton = callbackCodec('vn', { poll: 'id' });

/** The options a mask ticks, in order. */
export const maskOptions = (mask: number, count: number): number[] => [...Array(count).keys()].filter((i) => (mask >> i) & 1);

export const optionsMask = (options: number[]): number => options.reduce((m, i) => m | (1 << i), 0);
