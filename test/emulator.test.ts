import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Markup, Telegraf, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, WebhookError, type Emulator } from '../src/sandbox/emulator';
import { parseHtml } from '../src/sandbox/emulator/html';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** The user the tiny bot reports its own membership changes to. */
const ADMIN = 900_001;

/** A tiny bot, enough to exercise the emulator the way the real one will. */
function tinyBot(emu: Emulator): { bot: Telegraf; errors: unknown[] } {
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot, webhookReply: false } });
  const errors: unknown[] = [];
  bot.catch((error) => {
    errors.push(error);
  });
  bot.start((ctx) =>
    ctx.reply(`Hello <b>${ctx.from.first_name}</b>, payload ${ctx.payload}`, {
      parse_mode: 'HTML',
      ...Markup.inlineKeyboard([Markup.button.callback('Yes', 'answer:yes'), Markup.button.callback('No', 'answer:no')]),
    }),
  );
  bot.action(/^answer:(.+)$/, async (ctx) => {
    await ctx.editMessageText(`You said ${ctx.match[1]}`);
    await ctx.answerCbQuery('Noted');
  });
  bot.command('chart', (ctx) => ctx.replyWithPhoto(Input.fromBuffer(PNG, 'chart.png'), { caption: 'Weekly chart' }));
  bot.command('slow', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ctx.reply('done slowly');
  });
  bot.command('menu', (ctx) => ctx.reply('Menu', Markup.keyboard([['Help'], [Markup.button.locationRequest('Share location')]]).oneTime()));
  bot.on('location', (ctx) => ctx.reply(`Got location ${ctx.message.location.latitude}`));
  bot.on('new_chat_members', (ctx) => ctx.reply(`Welcome ${ctx.message.new_chat_members.map((u) => u.first_name).join(', ')}`));
  bot.on('my_chat_member', (ctx) => ctx.telegram.sendMessage(ADMIN, `Now ${ctx.myChatMember.new_chat_member.status} in ${ctx.chat.id}`));
  bot.on('photo', (ctx) => ctx.replyWithPhoto(ctx.message.photo.at(-1)!.file_id, { caption: 'Same photo back' }));
  bot.on('text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  return { bot, errors };
}

/** Runs the bot by long polling until the returned stop() is called. */
function poll(bot: Telegraf): () => Promise<void> {
  const running = bot.launch();
  return async () => {
    bot.stop('test over');
    await running;
  };
}

async function rejection(call: Promise<unknown>): Promise<TelegramError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('emulator with a polling bot', () => {
  let emu: Emulator;
  let bot: Telegraf;
  let errors: unknown[];
  let stop: () => Promise<void>;

  beforeEach(async () => {
    emu = await startEmulator();
    ({ bot, errors } = tinyBot(emu));
    stop = poll(bot);
  });

  afterEach(async () => {
    await stop();
    await emu.close();
    expect(errors).toEqual([]);
  });

  it('answers a command with a payload, and send resolves once the bot replied', async () => {
    const alice = emu.user({ first_name: 'Alice', language_code: 'zh-CN' });
    const sent = await alice.send('/start c-x-b-y');
    expect(sent.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const reply = alice.last()!;
    expect(reply.text).toBe('Hello Alice, payload c-x-b-y');
    expect(reply.entities).toEqual([{ type: 'bold', offset: 6, length: 5 }]);
    expect(reply.raw).toBe('Hello <b>Alice</b>, payload c-x-b-y');
    expect(reply.parse_mode).toBe('HTML');
    expect(reply.buttons()).toEqual(['Yes', 'No']);
    expect(reply.message_id).toBeGreaterThan(sent.message_id);
    expect(emu.rejected).toEqual([]);
  });

  it('a held long poll returns as soon as an update arrives', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('hi');
    const started = Date.now();
    await alice.send('again'); // telegraf is now inside a 50 s long poll
    expect(Date.now() - started).toBeLessThan(1000);
    expect(alice.inbox().map((m) => m.text)).toEqual(['echo: hi', 'echo: again']);
  });

  it('send waits for a slow handler', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/slow');
    expect(alice.last()?.text).toBe('done slowly');
  });

  it('a button press edits the message and returns the callback answer', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/start');
    const question = alice.last()!;
    const { answer } = await alice.press('Yes');
    expect(answer).toEqual({ text: 'Noted' });
    expect(alice.inbox()).toHaveLength(1);
    expect(alice.last()).toMatchObject({ message_id: question.message_id, text: 'You said yes' });
    expect(alice.last()!.buttons()).toEqual([]);
    expect(alice.last()!.edit_date).toBeDefined();
    // Both versions remain visible to privacy scans.
    expect(emu.allBotMessages().map((m) => m.text)).toEqual(['Hello Alice, payload ', 'You said yes']);
  });

  it('a press on a missing button lists what the user can see', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/start');
    await expect(alice.press('Maybe')).rejects.toThrow(/sees no button "Maybe"[\s\S]*"Yes", "No"/);
  });

  it('a forged press reaches the bot with any data', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/start');
    const { answer } = await alice.pressData('answer:forged');
    expect(answer?.text).toBe('Noted');
    expect(alice.last()!.text).toBe('You said forged');
  });

  it('uploads a photo as multipart and serves its bytes back through getFile', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/chart');
    const chart = alice.last()!;
    expect(chart.caption).toBe('Weekly chart');
    expect(chart.photo!.at(-1)).toMatchObject({ width: 1, height: 1, file_size: PNG.length });
    const upload = emu.calls.find((c) => c.method === 'sendPhoto')!;
    expect(upload.params.photo).toMatchObject({ filename: 'chart.png', bytes: PNG });
    const link = await bot.telegram.getFileLink(chart.photo!.at(-1)!.file_id);
    const downloaded = Buffer.from(await (await fetch(link)).arrayBuffer());
    expect(downloaded.equals(PNG)).toBe(true);
  });

  it('a photo from a user can be sent back by file_id; an unknown file_id is refused', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const sent = await alice.sendPhoto({ caption: 'broken light' });
    expect(alice.last()!.photo).toEqual(sent.photo);
    const error = await rejection(bot.telegram.sendPhoto(alice.id, 'no-such-file'));
    expect(error.response.description).toMatch(/wrong file identifier/);
  });

  it('waitFor resolves on a later message and times out with the transcript', async () => {
    const alice = emu.user({ first_name: 'Alice', started: true });
    const waiting = alice.waitFor(/reminder/);
    await bot.telegram.sendMessage(alice.id, 'A reminder for you');
    expect((await waiting).text).toBe('A reminder for you');
    await expect(alice.waitFor('never', { timeoutMs: 50 })).rejects.toThrow(/within 50 ms[\s\S]*#1 bot: A reminder for you/);
  });

  it('a press can tap the reply keyboard, which a one-time keyboard then hides', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/menu');
    expect(
      alice
        .last()!
        .reply_markup?.keyboard?.flat()
        .map((b) => b.text),
    ).toEqual(['Help', 'Share location']);
    await alice.press('Share location');
    expect(alice.last()!.text).toBe('Got location 31.2304');
    await expect(alice.press('Help')).rejects.toThrow(/Reply keyboard: none/);
  });

  it('injects raw updates, such as the bot being added to a group', async () => {
    const admin = emu.user({ id: ADMIN, first_name: 'Admin', started: true });
    const group = emu.group({ title: 'New team' });
    await emu.injectUpdate({
      my_chat_member: {
        chat: group.chat,
        from: admin.user,
        date: 0,
        old_chat_member: { status: 'left', user: emu.bot },
        new_chat_member: { status: 'member', user: emu.bot },
      },
    });
    expect(emu.chat(admin.id).last()!.text).toBe(`Now member in ${group.id}`);
  });

  it('records every call and the calls Telegram would reject', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('hello');
    const [reply] = await emu.waitForCalls('sendMessage');
    expect(reply).toMatchObject({ ok: true, params: { chat_id: alice.id, text: 'echo: hello' } });
    expect(emu.rejected).toEqual([]);
  });
});

describe('emulator checks every call like Telegram', () => {
  let emu: Emulator;
  let bot: Telegraf;
  let alice: ReturnType<Emulator['user']>;

  beforeEach(async () => {
    emu = await startEmulator();
    bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot, webhookReply: false } });
    alice = emu.user({ first_name: 'Alice', started: true });
  });

  afterEach(() => emu.close());

  const description = async (call: Promise<unknown>): Promise<string> => (await rejection(call)).response.description!;

  it('refuses callback_data over 64 bytes', async () => {
    const keyboard = (data: string) => Markup.inlineKeyboard([Markup.button.callback('Go', data)]);
    await bot.telegram.sendMessage(alice.id, 'fits', keyboard('x'.repeat(64)));
    expect(await description(bot.telegram.sendMessage(alice.id, 'too long', keyboard('x'.repeat(65))))).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    // Bytes, not characters: 22 Chinese characters are 66 bytes.
    expect(await description(bot.telegram.sendMessage(alice.id, 'too long', keyboard('办'.repeat(22))))).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
  });

  it('refuses texts over 4096 characters after entity parsing, and empty texts', async () => {
    await bot.telegram.sendMessage(alice.id, 'a'.repeat(4096));
    await bot.telegram.sendMessage(alice.id, `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(await description(bot.telegram.sendMessage(alice.id, 'a'.repeat(4097)))).toBe('Bad Request: message is too long');
    expect(await description(bot.telegram.sendMessage(alice.id, '  '))).toBe('Bad Request: message text is empty');
    expect(await description(bot.telegram.sendPhoto(alice.id, Input.fromBuffer(PNG), { caption: 'c'.repeat(1025) }))).toBe(
      'Bad Request: message caption is too long',
    );
  });

  it('refuses malformed HTML', async () => {
    const html = (text: string) => description(bot.telegram.sendMessage(alice.id, text, { parse_mode: 'HTML' }));
    expect(await html('<b>unclosed')).toBe(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`);
    expect(await html('1 < 2')).toBe(`Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
    expect(await html('line<br>break')).toMatch(/Unsupported start tag "br"/);
    expect(await html('<b><i>crossed</b></i>')).toMatch(/Unmatched end tag at byte offset 13, expected "<\/i>", found "<\/b>"/);
    expect(await html('<span>x</span>')).toMatch(/must have class "tg-spoiler"/);
    const ok = await bot.telegram.sendMessage(alice.id, 'Tom &amp; Jerry &lt;3 & <a href="https://example.org">link</a>', {
      parse_mode: 'HTML',
    });
    expect(ok.text).toBe('Tom & Jerry <3 & link');
  });

  it('refuses unknown parameters, unknown fields, wrong types and unknown methods', async () => {
    expect(await description(bot.telegram.sendMessage(alice.id, 'x', { colour: 'red' } as object))).toBe(
      'Bad Request: unknown parameter "colour" for method sendMessage',
    );
    const typo = { reply_markup: { inline_keyboard: [[{ text: 'Go', callbak_data: 'go' }]] } };
    expect(await description(bot.telegram.sendMessage(alice.id, 'x', typo as object))).toMatch(
      /unknown field "reply_markup.inline_keyboard\[0\]\[0\].callbak_data"/,
    );
    expect(await description(bot.telegram.callApi('sendMessage', { chat_id: alice.id, text: 42 } as never))).toBe(
      'Bad Request: parameter "text" must be String, got number',
    );
    expect(await description(bot.telegram.callApi('sendMessage', { chat_id: alice.id } as never))).toBe(
      'Bad Request: parameter "text" is required',
    );
    const unknown = await rejection(bot.telegram.callApi('sendTelepathy' as never, {} as never));
    expect(unknown.code).toBe(404);
    expect(unknown.response.description).toBe('Not Found: method not found');
    expect(emu.rejected.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage', 'sendMessage', 'sendMessage', 'sendTelepathy']);
  });

  it('accepts form-encoded calls with JSON-encoded objects', async () => {
    const body = new URLSearchParams({
      chat_id: String(alice.id),
      text: 'from a form',
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] }),
    });
    const response = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage`, { method: 'POST', body });
    expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
    expect(alice.last()!.buttons()).toEqual(['Go']);
  });

  it('knows which chats and messages exist', async () => {
    expect(await description(bot.telegram.sendMessage(424242, 'x'))).toBe('Bad Request: chat not found');
    const stranger = emu.user({ first_name: 'Stranger' });
    const error = await rejection(bot.telegram.sendMessage(stranger.id, 'x'));
    expect(error.code).toBe(403);
    expect(await description(bot.telegram.editMessageText(alice.id, 99, undefined, 'x'))).toBe('Bad Request: message to edit not found');
    const sent = await bot.telegram.sendMessage(alice.id, 'same');
    expect(await description(bot.telegram.editMessageText(alice.id, sent.message_id, undefined, 'same'))).toMatch(
      /^Bad Request: message is not modified/,
    );
    expect(await bot.telegram.deleteMessage(alice.id, sent.message_id)).toBe(true);
    expect(alice.inbox()).toEqual([]);
    expect(await description(bot.telegram.deleteMessage(alice.id, sent.message_id))).toBe('Bad Request: message to delete not found');
  });

  it('stores commands per scope and language; Telegram only takes two-letter codes', async () => {
    await bot.telegram.setMyCommands([{ command: 'report', description: '报告隐患' }], { language_code: 'zh' });
    await bot.telegram.setMyCommands([{ command: 'report', description: 'Report a hazard' }]);
    await bot.telegram.setMyCommands([{ command: 'claim', description: 'Claim' }], { scope: { type: 'chat', chat_id: alice.id } });
    expect(emu.commands(undefined, 'zh')).toEqual([{ command: 'report', description: '报告隐患' }]);
    expect(emu.commands()).toEqual([{ command: 'report', description: 'Report a hazard' }]);
    expect(emu.commands({ type: 'chat', chat_id: alice.id })).toEqual([{ command: 'claim', description: 'Claim' }]);
    expect(await bot.telegram.getMyCommands({ language_code: 'zh' })).toEqual(emu.commands(undefined, 'zh'));
    expect(await description(bot.telegram.setMyCommands([{ command: 'x', description: 'x' }], { language_code: 'zh-CN' }))).toBe(
      'Bad Request: invalid language code specified',
    );
  });

  it('knows groups, members, invite links and the bot leaving', async () => {
    const group = emu.group({ title: 'Night patrol', members: [alice] });
    expect((await bot.telegram.getChatMember(group.id, alice.id)).status).toBe('member');
    const bob = emu.user({ first_name: 'Bob' });
    expect((await bot.telegram.getChatMember(group.id, bob.id)).status).toBe('left');
    const first = await bot.telegram.createChatInviteLink(group.id);
    const second = await bot.telegram.createChatInviteLink(group.id);
    expect(first.invite_link).not.toBe(second.invite_link);
    expect((await bot.telegram.getChat(group.id)).type).toBe('group');
    await bot.telegram.leaveChat(group.id);
    expect((await rejection(bot.telegram.sendMessage(group.id, 'x'))).response.description).toBe(
      'Forbidden: bot is not a member of the group chat',
    );
  });
});

describe('emulator faults and limits', () => {
  let emu: Emulator;
  let bot: Telegraf;
  let alice: ReturnType<Emulator['user']>;

  beforeEach(async () => {
    emu = await startEmulator();
    bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot, webhookReply: false } });
    alice = emu.user({ first_name: 'Alice', started: true });
  });

  afterEach(() => emu.close());

  it('injects a 429 with retry_after, once by default', async () => {
    emu.faults.add({ method: 'sendMessage', kind: '429', retryAfter: 7 });
    const error = await rejection(bot.telegram.sendMessage(alice.id, 'x'));
    expect(error.code).toBe(429);
    expect(error.response).toMatchObject({ description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });
    await bot.telegram.sendMessage(alice.id, 'now it goes through');
    expect(alice.inbox()).toHaveLength(1);
    expect(emu.calls[0]).toMatchObject({ ok: false, fault: '429' });
    expect(emu.rejected).toEqual([]);
  });

  it('injects 502s, dropped connections and slow answers for one chat', async () => {
    const bob = emu.user({ first_name: 'Bob', started: true });
    emu.faults.add({ chatId: alice.id, kind: '5xx' });
    emu.faults.add({ chatId: alice.id, kind: 'drop' });
    emu.faults.add({ chatId: alice.id, kind: 'slow', delayMs: 200 });
    await bot.telegram.sendMessage(bob.id, 'Bob is not affected');
    expect((await rejection(bot.telegram.sendMessage(alice.id, 'x'))).code).toBe(502);
    await expect(bot.telegram.sendMessage(alice.id, 'x')).rejects.toThrow(/socket hang up|ECONNRESET/);
    const started = Date.now();
    await bot.telegram.sendMessage(alice.id, 'late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(alice.inbox().map((m) => m.text)).toEqual(['late']);
  });

  it('random faults repeat with the same seed', async () => {
    const run = async (seed: number): Promise<boolean[]> => {
      const other = await startEmulator();
      const client = new Telegraf(other.token, { telegram: { apiRoot: other.apiRoot } });
      other.faults.setRandom({ rate: 0.5, kinds: ['429', '5xx'], seed });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 12; i++)
        outcomes.push(
          await client.telegram.getMe().then(
            () => true,
            () => false,
          ),
        );
      await other.close();
      return outcomes;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('enforces one message per second per chat after a burst of three, and 20 per minute per group', async () => {
    emu.limits.enable();
    for (const text of ['one', 'two', 'three']) await bot.telegram.sendMessage(alice.id, text);
    const error = await rejection(bot.telegram.sendMessage(alice.id, 'four'));
    expect(error.code).toBe(429);
    expect(error.parameters?.retry_after).toBe(1);
    expect(emu.stats.tooManyRequests).toBe(1);
    // The bucket refills one message a second, not a whole burst.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await bot.telegram.sendMessage(alice.id, 'four, a second later');
    expect((await rejection(bot.telegram.sendMessage(alice.id, 'five'))).code).toBe(429);
    expect(emu.stats.tooManyRequests).toBe(2);

    emu.limits.enable({ perChatPerSec: 100, perChatBurst: 100, globalPerSec: 100 });
    const group = emu.group({ title: 'Committee' });
    for (let i = 0; i < 20; i++) await bot.telegram.sendMessage(group.id, `notice ${i}`);
    const groupError = await rejection(bot.telegram.sendMessage(group.id, 'one too many'));
    expect(groupError.parameters?.retry_after).toBeGreaterThan(55);
    expect(emu.stats.tooManyRequests).toBe(3);
    expect(group.messages()).toHaveLength(20);
  });

  it('answers 403 once a user blocked the bot', async () => {
    emu.block(alice);
    const error = await rejection(bot.telegram.sendMessage(alice.id, 'x'));
    expect(error.code).toBe(403);
    expect(error.response.description).toBe('Forbidden: bot was blocked by the user');
    emu.unblock(alice);
    await bot.telegram.sendMessage(alice.id, 'welcome back');
    expect(emu.rejected).toEqual([]);
  });
});

describe('emulator long polls', () => {
  it('closing the emulator releases a held getUpdates at once', async () => {
    const emu = await startEmulator();
    const started = Date.now();
    const held = fetch(`${emu.apiRoot}/bot${emu.token}/getUpdates?timeout=30`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emu.close();
    expect(await held).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an update nobody confirms fails with a clear message', async () => {
    const emu = await startEmulator({ confirmTimeoutMs: 100 });
    const alice = emu.user({ first_name: 'Alice' });
    await expect(alice.send('anyone?')).rejects.toThrow(/bot did not confirm update 1 within 100 ms/);
    await emu.close();
  });
});

describe('emulator with a webhook bot', () => {
  let emu: Emulator;
  let bot: Telegraf;
  let errors: unknown[];
  let server: http.Server;

  beforeEach(async () => {
    emu = await startEmulator();
    ({ bot, errors } = tinyBot(emu));
    server = http.createServer(bot.webhookCallback('/hook', { secretToken: 'hook-secret' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await bot.telegram.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: 'hook-secret' });
  });

  afterEach(async () => {
    await emu.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(errors).toEqual([]);
  });

  it('delivers updates by POST and resolves once the bot answered', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/start qr-1');
    expect(alice.last()!.text).toBe('Hello Alice, payload qr-1');
    const { answer } = await alice.press('No');
    expect(answer?.text).toBe('Noted');
    expect(alice.last()!.text).toBe('You said no');
    await alice.send('/slow');
    expect(alice.last()!.text).toBe('done slowly');
    expect(emu.deliveries.every((d) => d.status === 200)).toBe(true);
    const info = await bot.telegram.getWebhookInfo();
    expect(info).toMatchObject({ url: emu.webhookUrl, pending_update_count: 0 });
    expect(emu.rejected).toEqual([]);
  });

  it('keeps its connection to the webhook open between deliveries, as Telegram does', async () => {
    let connections = 0;
    server.on('connection', () => connections++);
    const alice = emu.user({ first_name: 'Alice' });
    for (let i = 0; i < 5; i++) await alice.send(`/start round-${i}`);
    expect(alice.last()!.text).toBe('Hello Alice, payload round-4');
    expect(connections).toBe(1);
  });

  it('a forged secret is refused by the bot and reported to the sender', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const error = await alice.sendUpdate({ message: { text: '/start forged' } }, { secretToken: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookError);
    expect((error as WebhookError).status).toBe(403);
    expect(alice.inbox()).toEqual([]);
  });

  it('getUpdates conflicts with an active webhook', async () => {
    const error = await rejection(bot.telegram.getUpdates(0, 1, 0, undefined));
    expect(error.code).toBe(409);
    expect(emu.rejected).toHaveLength(1);
    emu.rejected.length = 0;
  });
});

describe('emulator groups', () => {
  it('privacy mode hides plain group chatter from a bot that is not an admin', async () => {
    const emu = await startEmulator();
    const { bot, errors } = tinyBot(emu);
    const stop = poll(bot);
    const alice = emu.user({ first_name: 'Alice' });
    const shy = emu.group({ title: 'Residents', botStatus: 'member' });
    await alice.send('just chatting', { in: shy });
    await alice.send('/start@linli_bot', { in: shy });
    expect(shy.messages().map((m) => m.text)).toEqual(['Hello Alice, payload ']);
    expect(shy.memberStatus(alice)).toBe('member');

    const admin = emu.group({ title: 'Committee' });
    await alice.send('hello all', { in: admin });
    expect(admin.last()!.text).toBe('echo: hello all');

    const link = (await bot.telegram.createChatInviteLink(admin.id)).invite_link;
    const bob = emu.user({ first_name: 'Bob' });
    await bob.join(admin, { inviteLink: link });
    expect(admin.last()!.text).toBe('Welcome Bob');
    expect((await bot.telegram.getChatMember(admin.id, bob.id)).status).toBe('member');
    await expect(bob.join(shy, { inviteLink: link })).rejects.toThrow(/not an invite link of group "Residents"/);
    await stop();
    await emu.close();
    expect(errors).toEqual([]);
  });
});

describe('HTML entity parsing', () => {
  it('computes UTF-16 offsets and nested entities', () => {
    expect(parseHtml('<b>粗体 <i>😀x</i></b> <a href="https://a.b/?q=1&amp;r=2">go</a>')).toEqual({
      text: '粗体 😀x go',
      entities: [
        { type: 'bold', offset: 0, length: 6 },
        { type: 'italic', offset: 3, length: 3 },
        { type: 'text_link', offset: 7, length: 2, url: 'https://a.b/?q=1&r=2' },
      ],
    });
    expect(parseHtml('<pre><code class="language-ts">let x</code></pre>').entities).toEqual([
      { type: 'pre', offset: 0, length: 5, language: 'ts' },
    ]);
    expect(parseHtml('<blockquote expandable>q</blockquote>').entities).toEqual([{ type: 'expandable_blockquote', offset: 0, length: 1 }]);
  });
});
