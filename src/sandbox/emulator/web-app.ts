import { createHmac, randomBytes } from 'node:crypto';
import type { TgUser } from './types';

/**
 * What Telegram hands a Mini App it opens: the launch data (initData) as a query string, signed
 * as core.telegram.org/bots/webapps describes — hash = HMAC-SHA-256 over the sorted "key=value"
 * lines with the key HMAC-SHA-256("WebAppData", bot token). Written apart from the bot's own
 * check on purpose, so a test of one against the other tests both against the spec.
 */
export function signedInitData(token: string, user: TgUser, authDateSeconds: number): string {
  const fields = new URLSearchParams({
    query_id: `AA${randomBytes(12).toString('base64url')}`,
    user: JSON.stringify({
      id: user.id,
      first_name: user.first_name,
      ...(user.language_code && { language_code: user.language_code }),
      allows_write_to_pm: true,
    }),
    auth_date: String(authDateSeconds),
  });
  const check = [...fields.entries()]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  fields.set('hash', createHmac('sha256', secret).update(check).digest('hex'));
  return fields.toString();
}

/** The Mini App's address as Telegram opens it: the launch data rides in the fragment. */
export function webAppLaunchUrl(url: string, initData: string): string {
  const fragment = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '9.1', tgWebAppPlatform: 'web' });
  return `${url}#${fragment.toString()}`;
}
