import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The receipt of an anonymous ballot. The database keeps no link between a voter and their
 * choice, so the one thing that knows it is the voter's own poll message: its buttons carry
 * the options as cast, the voter's change count (poll_voters.changes) and a signature over
 * both, the poll and the voter key. Changing the vote takes back what the receipt says and
 * bumps the count, so no older receipt (a copied button, a replayed press) works again; a
 * forged one fails the signature. The key is derived from the bot token, which the database
 * never holds. A lost receipt (the message deleted, the token replaced) leaves the vote as cast.
 */

export interface Receipt {
  /** The options as cast, a bit each. */
  mask: number;
  /** The voter's change count when they cast it. */
  changes: number;
  /** HMAC-SHA256, its first 16 bytes in base64url (22 characters): room in Telegram's 64-byte callback_data. */
  sig: string;
}

const TAG_BYTES = 16;

/** The signing key: the bot token's, for this purpose only. */
export const receiptKey = (botToken: string): Buffer => createHmac('sha256', botToken).update('linli poll receipt v1').digest();

function signature(key: Buffer, pollId: number, voterKey: string, mask: number, changes: number): string {
  return createHmac('sha256', key)
    .update(`${pollId}\n${voterKey}\n${mask}\n${changes}`)
    .digest()
    .subarray(0, TAG_BYTES)
    .toString('base64url');
}

export function signReceipt(key: Buffer, pollId: number, voterKey: string, mask: number, changes: number): Receipt {
  return { mask, changes, sig: signature(key, pollId, voterKey, mask, changes) };
}

/** Did this bot sign this receipt for this voter of this poll? */
export function verifyReceipt(key: Buffer, pollId: number, voterKey: string, r: Receipt): boolean {
  const expected = Buffer.from(signature(key, pollId, voterKey, r.mask, r.changes));
  const given = Buffer.from(r.sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
