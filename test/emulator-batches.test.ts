// The emulator delivering the way Telegram does when people do not wait: several updates in one
// getUpdates answer, overlapping webhook POSTs, albums, double taps; and the media a bot needs to
// show an album or a voice note, plus what people send instead of what was asked.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Input, Markup, Telegraf } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type TgUpdate } from '../src/sandbox/emulator';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  updateId: number;
  chatId?: number;
  queryId?: string;
  messageId?: number;
}

/** A bot that notes every update it handles and how many it handled at the same time. */
function batchBot(emu: Emulator, handleMs = 40) {
  const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot, webhookReply: false } });
  const errors: unknown[] = [];
  const seen: Seen[] = [];
  const concurrency = { active: 0, max: 0 };
  let submits = 0;
  bot.catch((error) => {
    errors.push(error);
  });
  bot.use(async (ctx, next) => {
    seen.push({
      updateId: ctx.update.update_id,
      chatId: ctx.chat?.id,
      queryId: ctx.callbackQuery?.id,
      messageId: ctx.callbackQuery?.message?.message_id,
    });
    concurrency.active++;
    concurrency.max = Math.max(concurrency.max, concurrency.active);
    try {
      await delay(handleMs);
      await next();
    } finally {
      concurrency.active--;
    }
  });
  bot.command('menu', (ctx) => ctx.reply('Review', Markup.inlineKeyboard([Markup.button.callback('✅ Submit', 'submit')])));
  bot.action('submit', (ctx) => ctx.answerCbQuery(`submit #${++submits}`));
  bot.command('album', async (ctx) => {
    const user = emu
      .chat(ctx.chat.id)
      .history()
      .filter((m) => m.photo && m.media_group_id);
    await ctx.replyWithMediaGroup([
      { type: 'photo', media: Input.fromBuffer(PNG, 'a.png'), caption: '<b>Report R-1</b>', parse_mode: 'HTML' },
      ...user.map((m) => ({ type: 'photo' as const, media: m.photo!.at(-1)!.file_id })),
    ]);
  });
  bot.on('photo', async (ctx) => {
    const file = await ctx.telegram.getFile(ctx.message.photo.at(-1)!.file_id);
    if (!file.file_path) throw new Error('no file_path');
  });
  bot.on('voice', async (ctx) => {
    await ctx.replyWithVoice(ctx.message.voice.file_id, { caption: `${ctx.message.voice.duration} s` });
  });
  bot.on('document', (ctx) => ctx.reply(`file ${ctx.message.document.mime_type}`));
  bot.on('edited_message', (ctx) => ctx.reply(`edited: ${'text' in ctx.editedMessage ? ctx.editedMessage.text : '?'}`));
  bot.on('text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
  return { bot, errors, seen, concurrency };
}

/** The getUpdates answers that carried updates, as lists of update_ids. */
function batches(emu: Emulator): number[][] {
  return emu.calls
    .filter((c) => c.method === 'getUpdates' && c.ok && (c.result as TgUpdate[]).length > 0)
    .map((c) => (c.result as TgUpdate[]).map((u) => u.update_id));
}

describe('batches with a polling bot', () => {
  let emu: Emulator;
  let ctx: ReturnType<typeof batchBot>;
  let running: Promise<void>;

  beforeEach(async () => {
    emu = await startEmulator();
    ctx = batchBot(emu);
    running = ctx.bot.launch();
  });

  afterEach(async () => {
    ctx.bot.stop('test over');
    await running;
    await emu.close();
    expect(ctx.errors).toEqual([]);
    expect(emu.rejected).toEqual([]);
  });

  it('together hands several users’ actions to the bot in one getUpdates answer, in order', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const bob = emu.user({ first_name: 'Bob' });
    await alice.send('/menu');
    ctx.concurrency.max = 0;
    const before = batches(emu).length;

    const result = await emu.together(async () => {
      await alice.send('a');
      const press = await alice.press('✅ Submit');
      await bob.send('x');
      expect(press.answer).toBeUndefined(); // queued, not handled yet
      return press;
    });

    expect(result.answer).toEqual({ text: 'submit #1' });
    const batch = batches(emu).slice(before);
    expect(batch).toHaveLength(1);
    expect(batch[0]).toHaveLength(3);
    expect(batch[0]).toEqual([...batch[0]!].sort((a, b) => a - b));
    expect(ctx.concurrency.max).toBe(3); // telegraf handled the batch with Promise.all
    expect(alice.inbox().map((m) => m.text)).toEqual(['Review', 'echo: a']);
    expect(bob.inbox().map((m) => m.text)).toEqual(['echo: x']);
  });

  it('outside together the bot still sees one update at a time', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('one');
    await alice.send('two');
    await alice.send('three');
    expect(ctx.concurrency.max).toBe(1);
    expect(batches(emu).every((b) => b.length === 1)).toBe(true);
  });

  it('a double tap is two callback queries with different ids for one message, in one batch', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('/menu');
    const review = alice.last()!;
    const before = batches(emu).length;

    const tap = await alice.press('✅ Submit', { times: 2 });

    expect(tap.answer).toEqual({ text: 'submit #1' });
    expect(tap.answers).toEqual([{ text: 'submit #1' }, { text: 'submit #2' }]);
    expect(tap.queryIds).toHaveLength(2);
    const presses = ctx.seen.filter((s) => s.queryId !== undefined);
    expect(presses.map((s) => s.queryId)).toEqual(tap.queryIds);
    expect(new Set(presses.map((s) => s.queryId)).size).toBe(2);
    expect(presses.map((s) => s.messageId)).toEqual([review.message_id, review.message_id]);
    expect(batches(emu).slice(before)).toEqual([presses.map((s) => s.updateId)]);
  });

  it('two presses of one button inside together are two queries too', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const staff = emu.user({ first_name: 'Staff' });
    await alice.send('/menu');
    await staff.send('/menu');
    const [first, second, third] = await emu.together(async () => [
      await alice.press('✅ Submit'),
      await alice.press('✅ Submit'),
      await staff.press('✅ Submit'),
    ]);
    expect([first!.answer, second!.answer, third!.answer].map((a) => a?.text).sort()).toEqual(['submit #1', 'submit #2', 'submit #3']);
    expect(new Set([...first!.queryIds!, ...second!.queryIds!]).size).toBe(2);
    expect(batches(emu).at(-1)).toHaveLength(3);
  });

  it('sends an album as photos sharing a media_group_id, in one batch, each photo its own file', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const before = batches(emu).length;
    const album = await alice.sendAlbum([{ caption: 'the broken light' }, {}, {}]);

    expect(album).toHaveLength(3);
    const groupId = album[0]!.media_group_id;
    expect(groupId).toMatch(/^\d+$/);
    expect(album.every((m) => m.media_group_id === groupId)).toBe(true);
    expect(album.map((m) => m.caption)).toEqual(['the broken light', undefined, undefined]);
    expect(new Set(album.map((m) => m.photo!.at(-1)!.file_id)).size).toBe(3);
    expect(batches(emu).slice(before)).toHaveLength(1);
    expect(batches(emu).at(-1)).toHaveLength(3);
    expect(ctx.concurrency.max).toBe(3);
    expect(emu.calls.filter((c) => c.method === 'getFile' && c.ok)).toHaveLength(3);
    expect(album.map((m) => emu.file(m.photo!.at(-1)!.file_id)?.bytes.length)).toEqual([PNG.length, PNG.length, PNG.length]);
  });

  it('an album inside together joins the batch; a failing action still lets the queued ones finish', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const bob = emu.user({ first_name: 'Bob' });
    await emu.together(async () => {
      await alice.sendAlbum(2);
      await alice.send('and a note');
      await bob.sendVoice({ duration: 2 });
    });
    expect(batches(emu).at(-1)).toHaveLength(4);
    expect(alice.last()!.text).toBe('echo: and a note');
    expect(bob.last()!.kind).toBe('voice');

    await expect(
      emu.together(async () => {
        await alice.send('queued');
        await alice.press('no such button');
      }),
    ).rejects.toThrow(/sees no button/);
    expect(alice.last()!.text).toBe('echo: queued');
  });

  it('sendAlbum(n) sends n photos; albums outside 2–10 items are refused', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const album = await alice.sendAlbum(4);
    expect(album).toHaveLength(4);
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    const next = await alice.sendAlbum(2);
    expect(next[0]!.media_group_id).not.toBe(album[0]!.media_group_id);
    expect(() => alice.sendAlbum(1)).toThrow(/2 to 10/);
    expect(() => alice.sendAlbum(11)).toThrow(/2 to 10/);
  });

  it('the bot shows an album with sendMediaGroup: uploads and file_ids, caption on the first', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.sendAlbum(2);
    await alice.send('/album');
    const shown = alice.inbox();
    expect(shown.map((m) => m.kind)).toEqual(['photo', 'photo', 'photo']);
    expect(new Set(shown.map((m) => m.media_group_id)).size).toBe(1);
    expect(shown[0]!.media_group_id).toBeDefined();
    expect(shown[0]).toMatchObject({ caption: 'Report R-1', parse_mode: 'HTML', raw: '<b>Report R-1</b>' });
    expect(shown[0]!.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 10 }]);
    expect(shown.slice(1).map((m) => m.caption)).toEqual([undefined, undefined]);
    const sentBack = emu
      .chat(alice.id)
      .history()
      .filter((m) => !m.from?.is_bot)
      .map((m) => m.photo?.at(-1)?.file_id)
      .filter(Boolean);
    expect(shown.slice(1).map((m) => m.photo!.at(-1)!.file_id)).toEqual(sentBack);
    const call = emu.calls.find((c) => c.method === 'sendMediaGroup')!;
    expect((call.result as unknown[]).length).toBe(3);
  });

  it('a voice note: voice.file_id, duration and audio/ogg, sent back with sendVoice by file_id', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const sent = await alice.sendVoice({ duration: 7 });
    expect(sent.voice).toMatchObject({ duration: 7, mime_type: 'audio/ogg' });
    expect(sent.voice!.file_id).toBeTruthy();
    const reply = alice.last()!;
    expect(reply).toMatchObject({ kind: 'voice', caption: '7 s' });
    expect(reply.voice).toMatchObject({ file_id: sent.voice!.file_id, duration: 7, mime_type: 'audio/ogg' });
  });

  it('a photo sent as a file is a document with its mime_type and a file_id the bot can fetch', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const sent = await alice.sendDocument({ fileName: 'light.jpg', mimeType: 'image/jpeg', bytes: PNG });
    expect(sent.photo).toBeUndefined();
    expect(sent.document).toMatchObject({ file_name: 'light.jpg', mime_type: 'image/jpeg', file_size: PNG.length });
    expect(alice.last()!.text).toBe('file image/jpeg');
    const file = await ctx.bot.telegram.getFile(sent.document!.file_id);
    expect(file.file_path).toMatch(/\.jpg$/);
    // Telegram keeps a document a document: the bot cannot send its file_id as a photo.
    await expect(ctx.bot.telegram.sendPhoto(alice.id, sent.document!.file_id)).rejects.toThrow(/can't use file of type Document as Photo/);
    emu.rejected.length = 0;
    const asDocument = await ctx.bot.telegram.sendDocument(alice.id, sent.document!.file_id);
    expect(asDocument.document.mime_type).toBe('image/jpeg');
  });

  it('a forwarded text carries forward_origin and forward_date', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const carol = emu.user({ first_name: 'Carol' });
    const hidden = await alice.forward('the lift is broken', { fromName: 'Neighbour Wang' });
    expect(hidden.forward_origin).toEqual({ type: 'hidden_user', date: hidden.forward_date, sender_user_name: 'Neighbour Wang' });
    expect(hidden.forward_sender_name).toBe('Neighbour Wang');
    expect(hidden.forward_date).toBeLessThan(hidden.date);
    expect(alice.last()!.text).toBe('echo: the lift is broken');
    const fromCarol = await alice.forward('see you', { from: carol, date: 1_700_000_000 });
    expect(fromCarol.forward_origin).toEqual({ type: 'user', date: 1_700_000_000, sender_user: carol.user });
    expect(fromCarol.forward_from).toEqual(carol.user);
  });

  it('an edit of an earlier message is an edited_message update with edit_date', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const sent = await alice.send('Bulding 3');
    const edited = await alice.edit(sent, 'Building 3');
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Building 3' });
    expect(edited.edit_date).toBeGreaterThanOrEqual(sent.date);
    expect(alice.last()!.text).toBe('edited: Building 3');
    const update = emu.calls
      .filter((c) => c.method === 'getUpdates' && c.ok)
      .flatMap((c) => c.result as TgUpdate[])
      .find((u) => u.edited_message !== undefined)!;
    expect(update.edited_message).toMatchObject({ message_id: sent.message_id, text: 'Building 3', edit_date: edited.edit_date });
    expect(
      emu
        .chat(alice.id)
        .history()
        .find((m) => m.message_id === sent.message_id)!.text,
    ).toBe('Building 3');
    await expect(alice.edit(alice.last()!.message_id, 'not mine')).rejects.toThrow(/no message/);
  });

  it('copyMessage and forwardMessage carry a voice note or a photo to another chat', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const committee = emu.group({ title: 'Committee', members: [{ id: alice.id }] });
    const voice = await alice.sendVoice({ duration: 12 });
    const photo = await alice.sendPhoto({ caption: 'pothole' });

    const copied = await ctx.bot.telegram.copyMessage(committee.id, alice.id, voice.message_id, { caption: 'From Alice' });
    const forwarded = await ctx.bot.telegram.forwardMessage(committee.id, alice.id, photo.message_id);
    const byFileId = await ctx.bot.telegram.sendPhoto(committee.id, photo.photo!.at(-1)!.file_id, { caption: 'again' });

    const shown = committee.messages();
    expect(shown.map((m) => m.kind)).toEqual(['voice', 'photo', 'photo']);
    expect(shown[0]).toMatchObject({
      message_id: copied.message_id,
      caption: 'From Alice',
      voice: { file_id: voice.voice!.file_id, duration: 12 },
    });
    expect(shown[0]!.forward_origin).toBeUndefined();
    expect(shown[1]).toMatchObject({
      message_id: forwarded.message_id,
      caption: 'pothole',
      forward_origin: { type: 'user', sender_user: alice.user },
    });
    expect(shown[2]).toMatchObject({ message_id: byFileId.message_id, caption: 'again' });
    expect(shown[2]!.photo).toEqual(photo.photo);

    await expect(ctx.bot.telegram.sendVoice(committee.id, photo.photo!.at(-1)!.file_id)).rejects.toThrow(/Photo as Voice/);
    await expect(ctx.bot.telegram.copyMessage(committee.id, alice.id, 999)).rejects.toThrow(/not found/);
    await expect(ctx.bot.telegram.sendMediaGroup(alice.id, [{ type: 'photo', media: photo.photo!.at(-1)!.file_id }])).rejects.toThrow(
      /2 to 10/,
    );
    emu.rejected.length = 0;
  });
});

describe('batches with a webhook bot', () => {
  let emu: Emulator;
  let ctx: ReturnType<typeof batchBot>;
  let server: http.Server;

  beforeEach(async () => {
    emu = await startEmulator();
    ctx = batchBot(emu, 150);
    server = http.createServer(ctx.bot.webhookCallback('/hook'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await ctx.bot.telegram.setWebhook(`http://127.0.0.1:${port}/hook`);
  });

  afterEach(async () => {
    await emu.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(ctx.errors).toEqual([]);
    expect(emu.rejected).toEqual([]);
  });

  it('together POSTs each update at the same time and resolves when all answered', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const bob = emu.user({ first_name: 'Bob' });
    await alice.send('/menu');
    ctx.concurrency.max = 0;
    const started = Date.now();
    const press = await emu.together(async () => {
      await alice.send('a');
      await bob.send('x');
      return alice.press('✅ Submit');
    });
    const took = Date.now() - started;
    expect(ctx.concurrency.max).toBe(3);
    expect(took).toBeLessThan(3 * 150);
    expect(press.answer).toEqual({ text: 'submit #1' });
    expect(alice.inbox().map((m) => m.text)).toEqual(['Review', 'echo: a']);
    expect(bob.last()!.text).toBe('echo: x');
    expect(emu.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('outside together one POST at a time, as before', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    await alice.send('one');
    await alice.send('two');
    expect(ctx.concurrency.max).toBe(1);
  });

  it('an album and a double tap arrive as overlapping requests', async () => {
    const alice = emu.user({ first_name: 'Alice' });
    const album = await alice.sendAlbum(3);
    expect(ctx.concurrency.max).toBe(3);
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    await alice.send('/menu');
    ctx.concurrency.max = 0;
    const tap = await alice.press('✅ Submit', { times: 2 });
    expect(ctx.concurrency.max).toBe(2);
    expect(tap.answers!.map((a) => a?.text).sort()).toEqual(['submit #1', 'submit #2']);
  });

  it('respects the webhook’s max_connections', async () => {
    await ctx.bot.telegram.setWebhook(emu.webhookUrl!, { max_connections: 2 });
    const users = ['A', 'B', 'C', 'D', 'E'].map((name) => emu.user({ first_name: name }));
    await emu.together(async () => {
      for (const user of users) await user.send(`hi ${user.name}`);
    });
    expect(ctx.concurrency.max).toBe(2);
    expect(users.map((u) => u.last()?.text)).toEqual(users.map((u) => `echo: hi ${u.name}`));
  });
});
