import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { TelegramError, type Middleware, type Telegram } from 'telegraf';
import type { BotContext } from '../context';

/**
 * How Bot API calls travel. telegraf sends each through node-fetch: a Request, Headers, body
 * streams and a pure-JavaScript URL parser for every call, which cost more CPU and garbage per
 * update than the rest of Linli's work (bench 1's profile). A plain JSON call goes instead as one
 * node:http request over a keep-alive connection, with telegraf's error semantics: a Telegram
 * error is a TelegramError, a 5xx one with its status. Calls that upload a file (multipart) and
 * getUpdates (aborted on stop, retried by telegraf's polling on its own error types) keep
 * telegraf's path. (telegraf also drops any agent for a plain http:// Bot API root, such as a
 * local Bot API server, so there it would open a new connection per call.)
 */

const agents = {
  'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
  'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 10_000 }),
};
/** As telegraf: a call may take this long (getUpdates aside, none comes close). */
const TIMEOUT_MS = 500_000;

type CallApi = Telegram['callApi'];
interface ClientParts {
  token: string;
  options: { apiRoot: string; apiMode: string; testEnv: boolean; agent?: unknown };
}

/** Whether telegraf would send the payload as multipart (a file to upload by source or URL). */
function uploads(payload: Record<string, unknown>): boolean {
  const file = (v: unknown) => typeof v === 'object' && v !== null && ('source' in v || 'url' in v);
  return Object.entries(payload).some(
    ([key, value]) =>
      key !== 'link_preview_options' &&
      (file(value) ||
        (typeof value === 'object' && value !== null && file((value as { media?: unknown }).media)) ||
        (Array.isArray(value) && value.some((item) => file((item as { media?: unknown })?.media)))),
  );
}

/** JSON without the null and undefined fields, as telegraf sends it. */
export const withoutNulls = (_key: string, value: unknown) => (value == null ? undefined : value);

/** Hides the bot token in an error's message (it holds the URL), as telegraf does. */
function redacted(err: Error): Error {
  err.message = err.message.replace(/\/(bot|user)(\d+):[^/]+\//, '/$1$2:[REDACTED]/');
  return err;
}

/** Where a bot's calls go, worked out once per bot: a URL parsed for every call showed in the profile. */
interface Target {
  client: typeof http | typeof https;
  options: http.RequestOptions;
  /** The path up to the method's name: /bot<token>/ */
  path: string;
}
const targets = new Map<string, Target>();

function targetOf(parts: ClientParts): Target {
  const { token, options } = parts;
  const key = `${options.apiRoot} ${options.apiMode} ${token} ${options.testEnv}`;
  let target = targets.get(key);
  if (!target) {
    const base = new URL(`./${options.apiMode}${token}${options.testEnv ? '/test' : ''}/`, options.apiRoot);
    const secure = base.protocol === 'https:';
    target = {
      client: secure ? https : http,
      // Host, port and credentials as node:http reads them from a URL; each call sets its own path.
      options: { ...urlToHttpOptions(base), method: 'POST', agent: agents[secure ? 'https:' : 'http:'], timeout: TIMEOUT_MS },
      path: base.pathname,
    };
    targets.set(key, target);
  }
  return target;
}

function post(target: Target, method: string, payload: Record<string, unknown>, retried = false): Promise<unknown> {
  const body = JSON.stringify(payload, withoutNulls);
  return new Promise((resolve, reject) => {
    const request = target.client.request(
      {
        ...target.options,
        // The second try takes a connection of its own: the pool's others may be as stale as the first.
        ...(retried && { agent: false }),
        path: target.path + method,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (err) => reject(redacted(err)));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 500)
            return reject(new TelegramError({ error_code: status, description: response.statusMessage ?? '' }, { method, payload }));
          try {
            const data = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              ok: boolean;
              result?: unknown;
              error_code: number;
              description: string;
            };
            if (data.ok) resolve(data.result);
            else reject(new TelegramError(data, { method, payload }));
          } catch (err) {
            reject(new Error(`invalid JSON from the Bot API for ${method} (HTTP ${status}): ${(err as Error).message}`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from the Bot API to ${method} within ${TIMEOUT_MS} ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed just as it was reused: the request never got
      // there (Node's documented case), so it is sent once more, on a new connection (after a
      // quiet spell every kept one can be stale; bench 6 met one whose retry took another).
      if (!retried && request.reusedSocket && err.code === 'ECONNRESET')
        return void post(target, method, payload, true).then(resolve, reject);
      reject(redacted(err));
    });
    request.end(body);
  });
}

/** Sends this client's plain JSON calls over node:http (see above); returns the client. */
export function leanTransport(telegram: Telegram): Telegram {
  const parts = telegram as unknown as ClientParts;
  const { options } = parts;
  const target = targetOf(parts);
  const viaTelegraf = telegram.callApi.bind(telegram);
  telegram.callApi = ((method: string, payload: Record<string, unknown> = {}, opts?: { signal?: unknown }) =>
    method === 'getUpdates' || opts?.signal !== undefined || uploads(payload)
      ? viaTelegraf(method as never, payload as never, opts as never)
      : post(target, method, payload)) as CallApi;
  // telegraf's own path (uploads, getUpdates) keeps a connection open too, even for http://.
  if (options.apiRoot.startsWith('http://')) options.agent = agents['http:'];
  return telegram;
}

/** telegraf gives each update its own Telegram client (made from the bot's options): give it the same transport. */
export const leanTransportCalls: Middleware<BotContext> = (ctx, next) => {
  leanTransport(ctx.telegram);
  return next();
};
