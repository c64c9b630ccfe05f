// Request bodies of Bot API calls: JSON, application/x-www-form-urlencoded and
// multipart/form-data (telegraf uploads files that way). Form values arrive as strings; the
// schema check turns them into numbers, booleans and objects.

import type { IncomingMessage } from 'node:http';
import { ApiError, UploadedFile } from './types';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseBody(contentType: string | undefined, body: Buffer, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return params;

  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, "Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ApiError(400, 'Bad Request: the request body must be a JSON object');
    }
    // telegraf drops nulls itself; treat a null like an absent parameter, as Telegram does.
    for (const [key, value] of Object.entries(parsed)) if (value !== null) params[key] = value;
    return params;
  }
  if (type === 'application/x-www-form-urlencoded') {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    return params;
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    if (!boundary) throw new ApiError(400, 'Bad Request: multipart body without boundary');
    Object.assign(params, parseMultipart(body, (boundary[1] ?? boundary[2])!.trim()));
    return params;
  }
  throw new ApiError(400, `Bad Request: unsupported content type "${type}"`);
}

/** Parameters from a value like `form-data; name="photo"; filename="a.png"`. */
function headerParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of value.matchAll(/;\s*([\w*-]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    out[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!.trim();
  }
  return out;
}

function parseMultipart(body: Buffer, boundary: string): Record<string, string | UploadedFile> {
  const params: Record<string, string | UploadedFile> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  const malformed = (): never => {
    throw new ApiError(400, 'Bad Request: malformed multipart/form-data body');
  };
  let at = body.indexOf(delimiter);
  if (at < 0) malformed();
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break; // the closing delimiter
    if (body.subarray(at, at + 2).toString() !== '\r\n') malformed();
    at += 2;
    const headersEnd = body.indexOf('\r\n\r\n', at);
    if (headersEnd < 0) malformed();
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
    if (next < 0) malformed();
    const headers = new Map<string, string>();
    for (const line of body.subarray(at, headersEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headerParams(headers.get('content-disposition') ?? '');
    const content = body.subarray(headersEnd + 4, next);
    if (disposition.name !== undefined) {
      params[disposition.name] =
        disposition.filename !== undefined
          ? new UploadedFile(disposition.filename, headers.get('content-type') ?? 'application/octet-stream', Buffer.from(content))
          : content.toString('utf8');
    }
    at = next + 2;
  }
  return params;
}
