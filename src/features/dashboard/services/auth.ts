import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who is asking: Telegram signs a Mini App's launch data (initData) with a key derived from the
 * bot token, so a valid hash proves Telegram gave this user id to this page
 * (core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app). After that check
 * the page holds a session token of our own: the user id and an expiry, signed with another key
 * derived from the bot token, so it needs no table and holds across restarts and instances.
 * Neither carries a role: each request looks the person up again, so a revoked staff member
 * loses the pages at once.
 */

export const SESSION_MS = 60 * 60 * 1000;

export interface WebAppUser {
  id: number;
  first_name: string;
  language_code?: string;
}

export type InitDataResult = { ok: true; user: WebAppUser; authDate: number } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The hash Telegram puts on initData: HMAC-SHA-256 of the sorted "key=value" lines, keyed by HMAC("WebAppData", token). */
export function initDataHash(fields: URLSearchParams, botToken: string): string {
  const lines = [...fields.entries()]
    .filter(([k]) => k !== 'hash')
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return hmac(hmac('WebAppData', botToken), lines.join('\n')).toString('hex');
}

/** Checks the signature and the age (auth_date no older than maxAgeSeconds at `now`). */
export function validateInitData(initData: string, botToken: string, maxAgeSeconds: number, now: number): InitDataResult {
  const fields = new URLSearchParams(initData);
  const hash = fields.get('hash');
  const authDate = Number(fields.get('auth_date'));
  if (!hash || !/^[0-9a-f]{64}$/.test(hash) || !Number.isSafeInteger(authDate)) return { ok: false, reason: 'malformed' };
  if (!sameBytes(Buffer.from(hash, 'hex'), Buffer.from(initDataHash(fields, botToken), 'hex'))) return { ok: false, reason: 'forged' };
  // A little slack for clocks that run ahead; none for data from long ago.
  if (authDate * 1000 < now - maxAgeSeconds * 1000 || authDate * 1000 > now + 60_000) return { ok: false, reason: 'expired' };
  let user: WebAppUser;
  try {
    user = JSON.parse(fields.get('user') ?? '') as WebAppUser;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!Number.isSafeInteger(user?.id)) return { ok: false, reason: 'malformed' };
  return { ok: true, user, authDate };
}

const sessionKey = (botToken: string) => hmac('LinliDashboardSession', botToken);

export function issueSession(userId: number, botToken: string, now: number): string {
  const body = `${userId}.${now + SESSION_MS}`;
  return `${body}.${hmac(sessionKey(botToken), body).toString('base64url')}`;
}

/** The user id of a valid, unexpired session token. */
export function sessionUser(token: string | null | undefined, botToken: string, now: number): number | undefined {
  const m = /^(\d+)\.(\d+)\.([\w-]+)$/.exec(token ?? '');
  if (!m) return undefined;
  const expected = hmac(sessionKey(botToken), `${m[1]}.${m[2]}`);
  if (!sameBytes(Buffer.from(m[3], 'base64url'), expected) || Number(m[2]) <= now) return undefined;
  return Number(m[1]);
}
