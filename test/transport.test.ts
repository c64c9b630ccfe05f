import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Telegram } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leanTransport } from '../src/bot/middleware/transport';

/**
 * The Bot API client's kept-alive connections: a server (Telegram, or a balancer in front of a
 * local Bot API server) may close an idle one just as a call is written on it. After a quiet
 * spell every kept connection can be stale at once, so the call goes once more on a new one.
 */
describe('a Bot API call on a kept-alive connection the server has closed', () => {
  let server: http.Server;
  let telegram: Telegram;
  const open = new Set<Socket>();
  /** Connections the server drops, without an answer, when a request comes on them. */
  let stale = new Set<Socket>();
  let answered = 0;

  beforeEach(async () => {
    server = http.createServer((req, res) => {
      if (stale.has(req.socket)) return void req.socket.destroy();
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: ++answered })));
    });
    server.on('connection', (socket: Socket) => open.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    telegram = leanTransport(new Telegram('123:transport-test', { apiRoot: `http://127.0.0.1:${port}` } as never));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    open.clear();
    stale = new Set();
    answered = 0;
  });

  it('is sent once more on a new connection, even when every kept one is stale', async () => {
    // Three calls at once leave three connections kept alive.
    await Promise.all([1, 2, 3].map((n) => telegram.callApi('sendMessage', { chat_id: n, text: 'warm' } as never)));
    stale = new Set(open);
    expect(stale.size).toBeGreaterThanOrEqual(2);
    await expect(telegram.callApi('sendMessage', { chat_id: 4, text: 'after a quiet spell' } as never)).resolves.toBe(4);
  });

  it('fails with the error when the new connection is dropped too: a call is sent at most twice', async () => {
    await telegram.callApi('sendMessage', { chat_id: 1, text: 'warm' } as never);
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage) => void req.socket.destroy());
    await expect(telegram.callApi('sendMessage', { chat_id: 2, text: 'x' } as never)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(answered).toBe(1);
  });
});
