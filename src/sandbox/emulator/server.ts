// The HTTP face of the emulator: `POST|GET /bot<token>/<method>` answered like api.telegram.org,
// and `GET /file/bot<token>/<file_path>` serving stored files. Each call passes, in order:
// injected faults, the method check, the schema check, then the method itself; every call is
// recorded once answered. A call in the bot's answer to a webhook POST takes the same way
// (webhookAnswer), injected faults aside.

import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { parseBody, readBody } from './body';
import type { BotApi } from './bot-api';
import type { ApiSchema } from './schema';
import type { Faults } from './traffic';
import { ApiError, type CallRecord, type FaultKind } from './types';
import type { World } from './world';

export interface ServerDeps {
  token: string;
  strict: boolean;
  schema: ApiSchema;
  api: BotApi;
  faults: Faults;
  world: World;
  record: (call: CallRecord) => void;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const json = JSON.stringify(body);
  // The status line carries node's standard reason ("Bad Gateway"), which telegraf reports for 5xx.
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function errorBody(error: ApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.code,
    description: error.description,
    ...(error.parameters && { parameters: error.parameters }),
  };
}

/** A bug in the emulator itself: said loudly, rather than leaving the bot guessing. */
function internalError(method: string, error: unknown): ApiError {
  console.error(`emulator: internal error in ${method}`, error);
  return new ApiError(500, `Internal Server Error: ${String(error)}`);
}

export function createApiServer(deps: ServerDeps): http.Server {
  const server = http.createServer((req, res) => void handle(deps, req, res));
  // Long polls are held for up to 50 s; node's default request timeout must not cut them.
  server.requestTimeout = 0;
  return server;
}

/** One call on its way through: the method asked for, its parameters, when it came and what befell it. */
interface Attempt {
  name: string;
  method?: string;
  params: Record<string, unknown>;
  at: number;
  fault?: FaultKind;
  /** It came in the bot's answer to a webhook POST, not as a request of its own. */
  viaWebhookAnswer?: true;
}

type Reply = (status: number, body: unknown) => void;

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (download) return serveFile(deps, res, download[1]!, decodeURIComponent(download[2]!));
  const route = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
  if (!route) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  if (route[1] !== deps.token) return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

  const attempt: Attempt = { name: route[2]!, method: deps.schema.methodName(route[2]!), params: {}, at: Date.now() };
  const reply: Reply = (status, body) => answer(res, status, body);
  try {
    attempt.params = parseBody(req.headers['content-type'], await readBody(req), url.searchParams);
    const injected = deps.faults.take(attempt.method ?? attempt.name, attempt.params.chat_id);
    if (injected) {
      attempt.fault = injected.kind;
      switch (injected.kind) {
        case 'drop':
          deps.record(recordOf(attempt, { ok: false }));
          req.socket.destroy();
          return;
        case '5xx':
          throw new ApiError(502, 'Bad Gateway');
        case '429':
          throw new ApiError(429, `Too Many Requests: retry after ${injected.retryAfter}`, { retry_after: injected.retryAfter });
        case 'slow':
          await delay(injected.delayMs);
      }
    }
  } catch (thrown) {
    return refuse(deps, attempt, thrown, reply);
  }
  await perform(deps, attempt, reply, (release) => res.on('close', release));
}

/**
 * A call the bot put in its 2xx answer to a webhook POST (`{"method": …, …params}`): taken as
 * Telegram takes it, through the same checks and limits as a request, and recorded with
 * `viaWebhookAnswer`; its result goes nowhere. Injected faults are left out: they model the
 * bot's own requests. An answer that names no method carries no call; one that cannot be read is refused.
 */
export async function webhookAnswer(deps: ServerDeps, contentType: string | undefined, body: Buffer): Promise<void> {
  if (body.length === 0) return;
  const attempt: Attempt = { name: '', params: {}, at: Date.now(), viaWebhookAnswer: true };
  const ignore: Reply = () => undefined;
  let params: Record<string, unknown>;
  try {
    params = parseBody(contentType, body, new URLSearchParams());
  } catch (thrown) {
    return refuse(deps, attempt, thrown, ignore);
  }
  const { method, ...rest } = params;
  if (method === undefined) return;
  Object.assign(attempt, { name: String(method), method: deps.schema.methodName(String(method)), params: rest });
  await perform(deps, attempt, ignore, () => undefined);
}

/** The method check, the schema check, then the method itself; answered, then recorded. */
async function perform(deps: ServerDeps, attempt: Attempt, reply: Reply, onAbort: (release: () => void) => void): Promise<void> {
  try {
    if (!attempt.method) throw new ApiError(404, 'Not Found: method not found');
    attempt.params = deps.schema.check(attempt.method, attempt.params, !deps.strict);
    const { result, stub } = await deps.api.call(attempt.method, attempt.params, onAbort);
    reply(200, { ok: true, result });
    deps.record(recordOf(attempt, { ok: true, result, ...(stub && { stub: true as const }) }));
  } catch (thrown) {
    refuse(deps, attempt, thrown, reply);
  }
}

function refuse(deps: ServerDeps, attempt: Attempt, thrown: unknown, reply: Reply): void {
  const error = thrown instanceof ApiError ? thrown : internalError(attempt.name, thrown);
  reply(error.code, errorBody(error));
  deps.record(recordOf(attempt, { ok: false, error: { code: error.code, description: error.description } }));
}

function recordOf(attempt: Attempt, outcome: Pick<CallRecord, 'ok' | 'result' | 'error' | 'stub'>): CallRecord {
  const { method, name, params, at, fault, viaWebhookAnswer } = attempt;
  return { method: method ?? name, params, at, ...outcome, ...(fault && { fault }), ...(viaWebhookAnswer && { viaWebhookAnswer }) };
}

function serveFile(deps: ServerDeps, res: http.ServerResponse, token: string, path: string): void {
  if (token !== deps.token) return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
  const file = [...deps.world.files.values()].find((f) => f.file_path === path);
  if (!file) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  res.writeHead(200, {
    'content-type': file.mime_type ?? 'application/octet-stream',
    'content-length': file.bytes.length,
  });
  res.end(file.bytes);
}
