import Database from 'better-sqlite3';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotContext } from '../src/bot/context';
import { answerInWebhook, handleWebhookUpdate } from '../src/bot/middleware/webhook-answer';
import { startEmulator, type CallRecord, type Emulator, type PressResult } from '../src/sandbox/emulator';
import { reportUpToReview } from './helpers/simulation';
import { worldSuite } from './helpers/world';

/**
 * Issue 17: in webhook mode a press's answer rides in the HTTP answer to the webhook POST (one
 * Bot API request fewer per press), written only once the update is handled to the end. Polling,
 * and every other call, make their requests as before.
 */

const answersTo = (emu: Emulator, press: PressResult): CallRecord[] =>
  emu.calls.filter((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === press.queryIds![0]);

describe('a press in webhook mode', () => {
  const world = worldSuite({ mode: 'webhook' });

  it('is answered in the webhook’s answer, with no request of its own, and the person sees it answered', async () => {
    const wen = await world.resident('Wen', { locale: 'en' });
    await wen.send('/report');
    const press = await wen.press('Noise');
    expect(press.answer).toBeDefined();
    expect(answersTo(world.emu, press)).toEqual([expect.objectContaining({ ok: true, viaWebhookAnswer: true })]);
    // Onboarding's presses rode too: no answer of this world went as a request.
    expect(world.emu.calls.filter((c) => c.method === 'answerCallbackQuery' && !c.viaWebhookAnswer)).toEqual([]);
  });

  it('has its answer written only once its work is done: the report written and the update marked finished', async () => {
    const ada = await world.resident('Ada', { locale: 'en' });
    await reportUpToReview(ada, 'Noise', 'Drilling every night after eleven');
    // The confirmation is slow, so an answer written at the first call would come well before it.
    world.emu.faults.add({ method: 'sendMessage', chatId: ada.id, kind: 'slow', delayMs: 300 });
    const sqlite = new Database(join(world.dir, 'linli.db'), { readonly: true });
    const seen: { reports: number; unfinished: number; confirmed: boolean }[] = [];
    // Read the moment the emulator takes the POST's answer, before anything else can run.
    const onCall = (call: CallRecord) => {
      if (!call.viaWebhookAnswer) return;
      const count = (sql: string, ...args: unknown[]) => (sqlite.prepare(sql).get(...args) as { n: number }).n;
      seen.push({
        reports: count('select count(*) as n from reports where reporter_id = ?', ada.id),
        unfinished: count('select count(*) as n from processed_updates where finished_at is null'),
        confirmed: ada.inbox().some((m) => /Report received/.test(m.text ?? '')),
      });
    };
    world.emu.events.on('call', onCall);
    try {
      const press = await ada.press('✅ Submit');
      expect(answersTo(world.emu, press)).toEqual([expect.objectContaining({ viaWebhookAnswer: true })]);
    } finally {
      world.emu.events.off('call', onCall);
      sqlite.close();
    }
    expect(seen).toEqual([{ reports: 1, unfinished: 0, confirmed: true }]);
  });

  it('whose handler fails after answering is not answered twice: the apology comes as a message', async () => {
    const bo = await world.resident('Bo', { locale: 'en' });
    await bo.send('/report');
    const before = bo.inbox().length;
    // The press is answered, then the next question fails: the edit of the last one, and the new message sent instead.
    world.emu.faults.add({ method: 'editMessageText', chatId: bo.id, kind: '5xx', times: 1 });
    world.emu.faults.add({ method: 'sendMessage', chatId: bo.id, kind: '5xx', times: 1 });
    const press = await bo.press('Noise');
    expect(answersTo(world.emu, press)).toEqual([expect.objectContaining({ ok: true, viaWebhookAnswer: true })]);
    expect(world.emu.calls.filter((c) => c.fault === '5xx').map((c) => c.method)).toEqual(['editMessageText', 'sendMessage']);
    expect(
      bo
        .inbox()
        .slice(before)
        .map((m) => m.text),
    ).toEqual([expect.stringMatching(/^Sorry, something went wrong/)]);
  });

  it('handled again after its first handler died (the claim taken over) is not answered again', async () => {
    const li = await world.resident('Li', { locale: 'en' });
    await li.send('/report');
    const question = li.last()!;
    const data = question.reply_markup!.inline_keyboard!.flat().find((b) => b.text === 'Noise')!.callback_data!;
    const updateId = 8_000_001;
    // The dead process's claim on the update, its lease already run out.
    const now = world.clock.now();
    await world.db
      .insertInto('processed_updates')
      .values({ update_id: updateId, at: now, owner: 'a-dead-process', lease_until: now, finished_at: null })
      .execute();
    const update = await li.sendUpdate({ update_id: updateId, callback_query: { data } });
    const queryId = (update.callback_query as { id: string }).id;
    expect(world.emu.calls.filter((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId)).toEqual([]);
    expect(li.last()!.text).toMatch(/Please describe the Noise/);
  });
});

describe('a typed answer in webhook mode', () => {
  const world = worldSuite({ mode: 'webhook' });

  it('has the buttons taken off the question it answered in the webhook’s answer, after the next question', async () => {
    const wen = await world.resident('Wen', { locale: 'en' });
    await wen.send('/report');
    await wen.press('Noise');
    const question = wen.last()!;
    expect(question.reply_markup?.inline_keyboard?.length).toBeGreaterThan(0);
    const from = world.emu.calls.length;
    await wen.send('Drilling every night after eleven');
    const calls = world.emu.calls.slice(from).map((c) => [c.method, c.viaWebhookAnswer ?? false]);
    // The next question is a request; the buttons come off last, in the POST's answer.
    expect(calls.at(-1)).toEqual(['editMessageReplyMarkup', true]);
    expect(calls.filter(([, riding]) => !riding).map(([m]) => m)).not.toContain('editMessageReplyMarkup');
    expect(wen.inbox().find((m) => m.message_id === question.message_id)!.reply_markup).toBeUndefined();
  });
});

describe('a press when polling', () => {
  const world = worldSuite();

  it('is answered with a request of its own, as before', async () => {
    const mo = await world.resident('Mo', { locale: 'en' });
    await mo.send('/report');
    const press = await mo.press('Noise');
    expect(press.answer).toBeDefined();
    const [answer, ...more] = answersTo(world.emu, press);
    expect(more).toEqual([]);
    expect(answer).toMatchObject({ ok: true });
    expect(answer!.viaWebhookAnswer).toBeUndefined();
  });
});

/** A telegraf bot whose Bot API requests are counted instead of sent, behind answerInWebhook. */
function countingBot(handler: (ctx: BotContext) => Promise<unknown>, handlerTimeout = 1000) {
  const requests: string[] = [];
  const bot = new Telegraf<BotContext>('1:test', { handlerTimeout });
  bot.botInfo = { id: 1, is_bot: true, first_name: 'Bot', username: 'bot' } as Telegraf['botInfo'];
  bot.use((ctx, next) => {
    ctx.telegram.callApi = (async (method: string) => {
      requests.push(method);
      return true;
    }) as typeof ctx.telegram.callApi;
    return next();
  });
  bot.use(answerInWebhook);
  bot.on('callback_query', handler);
  bot.catch(() => undefined);
  return { bot, requests };
}

/** What a webhook POST was answered with. */
function capturedResponse() {
  const answer: { status?: number; body?: string } = {};
  const res = {
    writeHead(status: number) {
      answer.status = status;
      return res;
    },
    end(body?: string) {
      answer.body = body;
    },
  };
  return { res: res as unknown as ServerResponse, answer };
}

const pressUpdate = (id: number) =>
  ({
    update_id: id,
    callback_query: { id: `q${id}`, from: { id: 5, is_bot: false, first_name: 'A' }, chat_instance: 'c', data: 'x' },
  }) as Update;

describe('answerInWebhook', () => {
  it('lets only the first answer ride; a second one is a request, as before', async () => {
    const { bot, requests } = countingBot(async (ctx) => {
      expect(await ctx.answerCbQuery('first')).toBe(true);
      await ctx.answerCbQuery('second');
    });
    const { res, answer } = capturedResponse();
    await handleWebhookUpdate(bot, pressUpdate(1), res);
    expect(answer).toEqual({
      status: 200,
      body: JSON.stringify({ method: 'answerCallbackQuery', text: 'first', callback_query_id: 'q1' }),
    });
    expect(requests).toEqual(['answerCallbackQuery']);
  });

  it('sends an answer given after the POST was answered (a handler past its timeout) as a request', async () => {
    let late!: Promise<unknown>;
    const { bot, requests } = countingBot(async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      late = ctx.answerCbQuery('late');
      await late;
    }, 10);
    const { res, answer } = capturedResponse();
    await handleWebhookUpdate(bot, pressUpdate(2), res);
    expect(answer).toEqual({ status: 200, body: undefined });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await late;
    expect(requests).toEqual(['answerCallbackQuery']);
  });

  it('leaves an update that is not from a webhook POST alone', async () => {
    const { bot, requests } = countingBot((ctx) => ctx.answerCbQuery('polled'));
    await bot.handleUpdate(pressUpdate(3));
    expect(requests).toEqual(['answerCallbackQuery']);
  });
});

describe('the emulator takes the call in a webhook’s answer', () => {
  let emu: Emulator;
  let server: http.Server;
  let answerWith: (update: Record<string, unknown>) => unknown;

  beforeEach(async () => {
    emu = await startEmulator();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const call = answerWith(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        if (call === undefined) return void res.writeHead(200).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(call));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await fetch(`${emu.apiRoot}/bot${emu.token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook` }),
    });
  });

  afterEach(async () => {
    await emu.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('makes it before the update counts as handled, and records it as riding', async () => {
    const alice = emu.user({ first_name: 'Alice', started: true });
    answerWith = (u) => ({ method: 'sendMessage', chat_id: (u.message as { chat: { id: number } }).chat.id, text: 'hi from the answer' });
    await alice.send('hello');
    expect(alice.last()!.text).toBe('hi from the answer');
    expect(emu.calls.map((c) => [c.method, c.ok, c.viaWebhookAnswer])).toEqual([
      ['setWebhook', true, undefined],
      ['sendMessage', true, true],
    ]);
  });

  it('refuses an invalid one as it refuses a request, and takes nothing from an empty answer', async () => {
    const alice = emu.user({ first_name: 'Alice', started: true });
    answerWith = () => ({ method: 'sendMessage', chat_id: alice.id });
    await alice.send('one');
    answerWith = () => undefined;
    await alice.send('two');
    expect(emu.rejected).toEqual([expect.objectContaining({ method: 'sendMessage', ok: false, viaWebhookAnswer: true })]);
    expect(emu.calls.filter((c) => c.method !== 'setWebhook')).toHaveLength(1);
  });
});
