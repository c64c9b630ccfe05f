// The HTTP face of the emulator: `POST|GET /bot<token>/<method>` answered like api.telegram.org,
// and `GET /file/bot<token>/<file_path>` serving stored files. Each call passes, in order:
// injected faults, the method check, the schema check, then the method itself; every call is
// recorded once answered.

import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { parseBody, readBody } from './body';
import type { BotApi } from './bot-api';
import type { ApiSchema } from './schema';
import type { Faults } from './traffic';
import { ApiError, type CallRecord } from './types';
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

async function handle(deps: ServerDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (download) return serveFile(deps, res, download[1]!, decodeURIComponent(download[2]!));
  const route = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
  if (!route) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  if (route[1] !== deps.token) return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

  const at = Date.now();
  const method = deps.schema.methodName(route[2]!);
  let params: Record<string, unknown> = {};
  let fault: CallRecord['fault'];
  const record = (outcome: Omit<CallRecord, 'method' | 'params' | 'at'>): void =>
    deps.record({ method: method ?? route[2]!, params, at, ...outcome, ...(fault && { fault }) });

  try {
    params = parseBody(req.headers['content-type'], await readBody(req), url.searchParams);

    const injected = deps.faults.take(method ?? route[2]!, params.chat_id);
    if (injected) {
      fault = injected.kind;
      switch (injected.kind) {
        case 'drop':
          record({ ok: false });
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

    if (!method) throw new ApiError(404, 'Not Found: method not found');
    params = deps.schema.check(method, params, !deps.strict);
    const { result, stub } = await deps.api.call(method, params, (release) => res.on('close', release));
    answer(res, 200, { ok: true, result });
    record({ ok: true, result, ...(stub && { stub: true as const }) });
  } catch (thrown) {
    const error = thrown instanceof ApiError ? thrown : internalError(route[2]!, thrown);
    answer(res, error.code, errorBody(error));
    record({ ok: false, error: { code: error.code, description: error.description } });
  }
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
