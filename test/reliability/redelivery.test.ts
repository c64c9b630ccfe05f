import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatedUser, type Emulator, type TgMessage } from '../../src/sandbox/emulator';
import { openDatabase, type Db } from '../../src/store/db';
import { BotProcess } from '../helpers/bot-process';
import { announceUpToSend, reportUpToReview, requestUpToSend, Rng, setUpCommunity, type Community } from '../helpers/simulation';
import { newUserId, startWorld, worldSuite, type World } from '../helpers/world';

/**
 * Telegram delivers an update again until the bot confirms it. A bot killed while it handles
 * one gets it again after the restart and finishes it: the resident's Submit counts, once.
 * Without a crash, an update delivered twice is still handled once. Another process on the same
 * database keeps an update it is still at work on, and loses one it stopped working on.
 */

const RECEIVED = /Report received/;

/**
 * Resolves when the emulator applies an injected fault, i.e. the bot's call is now hanging.
 * (The emulator reports calls only once answered, so its fault check is watched instead.)
 */
function faultHit(emu: Emulator): Promise<void> {
  const take = emu.faults.take.bind(emu.faults);
  return new Promise((resolve) => {
    emu.faults.take = (method, chatId) => {
      const fault = take(method, chatId);
      if (fault) {
        emu.faults.take = take;
        resolve();
      }
      return fault;
    };
  });
}

/**
 * The dead process had made the press's edit (or taken the step's buttons away) already; made again after the restart, Telegram
 * answers "message is not modified", which the flow engine counts as done: not a refused call.
 */
function forgiveRemadeEdit(emu: Emulator): void {
  const notModified = emu.rejected.findIndex(
    (c) => /^editMessage(Text|ReplyMarkup)$/.test(c.method) && /not modified/.test(c.error?.description ?? ''),
  );
  if (notModified >= 0) emu.rejected.splice(notModified, 1);
}

const reportsBy = (db: Db, userId: number) =>
  db.selectFrom('reports').select(['id', 'description']).where('reporter_id', '=', userId).orderBy('id').execute();

describe('an update cut short by a crash (the bot in its own process)', () => {
  let emu: Emulator;
  let dir: string;
  let db: Db;
  let bot: BotProcess;
  let town: Community;

  beforeAll(async () => {
    // The press handled after a restart is confirmed late: give it more than the default 10 s.
    emu = await startEmulator({ confirmTimeoutMs: 60_000 });
    dir = mkdtempSync(join(tmpdir(), 'linli-redelivery-'));
    const world = await startWorld({ emulator: emu, dir });
    town = await setUpCommunity(world, { residents: 1, volunteers: 0, staff: 1 }, { firstName: 'Q' });
    await world.stop({ keepEmulator: true });
    db = openDatabase({ kind: 'sqlite', path: join(dir, 'linli.db') });
    bot = new BotProcess(emu, dir);
    await bot.start();
  }, 90_000);

  afterAll(async () => {
    await bot?.stop();
    await db?.destroy();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a Submit press whose handler died mid-way is handled after the restart: one report, one confirmation', async () => {
    const ana = town.residents[0]!;
    await reportUpToReview(ana, 'Noise', 'Drilling every night after eleven');

    // The bot's answer to the press hangs, and the bot is killed while it waits for it.
    emu.faults.add({ method: 'answerCallbackQuery', kind: 'slow', delayMs: 5000 });
    const hanging = faultHit(emu);
    const pressed = ana.press('✅ Submit');
    await hanging;
    await bot.kill();
    expect(await reportsBy(db, ana.id)).toEqual([]);
    const [claim, ...more] = await db.selectFrom('processed_updates').selectAll().where('finished_at', 'is', null).execute();
    expect(more).toEqual([]);

    await bot.start();
    await pressed;
    expect(ana.inbox().filter((m) => RECEIVED.test(m.text ?? ''))).toHaveLength(1);
    expect(await reportsBy(db, ana.id)).toEqual([{ id: expect.any(Number), description: 'Drilling every night after eleven' }]);
    const row = await db.selectFrom('processed_updates').selectAll().where('update_id', '=', claim!.update_id).executeTakeFirstOrThrow();
    expect(row.finished_at).not.toBeNull();
    expect(row.owner).not.toBe(claim!.owner);
    expect(bot.output).toContain('handling again an update');
  }, 120_000);

  it('a Submit press that died after the report was written files it once after the restart', async () => {
    const ana = town.residents[0]!;
    await reportUpToReview(ana, 'Flyers', 'Flyers glued over the fire door sign');
    // The confirmation to Ana hangs once the report is written, and the bot is killed meanwhile.
    emu.faults.add({ method: 'sendMessage', chatId: ana.id, kind: 'slow', delayMs: 5000 });
    const hanging = faultHit(emu);
    const pressed = ana.press('✅ Submit');
    await hanging;
    await bot.kill();
    const filed = (await reportsBy(db, ana.id)).filter((r) => r.description === 'Flyers glued over the fire door sign');
    expect(filed).toHaveLength(1);

    await bot.start();
    await pressed;
    await ana.waitFor(RECEIVED, { timeoutMs: 20_000 });
    expect((await reportsBy(db, ana.id)).filter((r) => r.description === 'Flyers glued over the fire door sign')).toEqual(filed);
    expect(ana.inbox().filter((m) => (m.text ?? '').includes(`R-${filed[0]!.id + 1000}`)).length).toBeGreaterThanOrEqual(1);
    // Handled again, the press found its report: Ana is not told that something went wrong.
    expect(ana.inbox().filter((m) => /something went wrong/.test(m.text ?? ''))).toEqual([]);
    forgiveRemadeEdit(emu);
  }, 120_000);

  it('a notice whose Send press died after the notice was written is not sent twice after the restart', async () => {
    const mei = town.staff[0]!;
    const text = 'The lift in building 2 is serviced on Monday';
    const send = await announceUpToSend(mei, text);

    // What the press says to Mei once the notice is written hangs, and the bot is killed meanwhile.
    emu.faults.add({ method: /^(editMessageText|sendMessage)$/, chatId: mei.id, kind: 'slow', delayMs: 5000 });
    const hanging = faultHit(emu);
    const pressed = mei.press(send);
    await hanging;
    await bot.kill();
    expect(await db.selectFrom('processed_updates').select('update_id').where('finished_at', 'is', null).execute()).toHaveLength(1);
    expect(await db.selectFrom('broadcasts').select('id').where('text', '=', text).execute()).toHaveLength(1);

    await bot.start();
    await pressed;
    await emu.waitForCalls(
      (c) =>
        c.ok &&
        c.method === 'sendMessage' &&
        String(c.params.text ?? '').includes(text) &&
        Number(c.params.chat_id) === town.residents[0]!.id,
      { count: 1, timeoutMs: 20_000 },
    );
    expect(await db.selectFrom('broadcasts').select('id').where('text', '=', text).execute()).toHaveLength(1);
    // Handled again, the press found its notice under way: Mei is told it is sending, not that something went wrong.
    expect(mei.inbox().some((m) => /Sending to \d+ recipients/.test(m.text ?? ''))).toBe(true);
    expect(mei.inbox().filter((m) => /something went wrong/.test(m.text ?? ''))).toEqual([]);
    forgiveRemadeEdit(emu);
    expect(bot.output).toContain('handling again an update');
  }, 120_000);

  it('a help request whose Send press died after the request was written is filed once after the restart', async () => {
    const ana = town.residents[0]!;
    const details = 'Please help me carry a new gas cylinder upstairs';
    const { send } = await requestUpToSend(ana, new Rng(7), details);
    const requestsOf = () => db.selectFrom('help_requests').select('id').where('details', '=', details).execute();
    emu.faults.add({ method: /^(editMessageText|sendMessage)$/, chatId: ana.id, kind: 'slow', delayMs: 5000 });
    const hanging = faultHit(emu);
    const pressed = ana.press(send);
    await hanging;
    await bot.kill();
    const filed = await requestsOf();
    expect(filed).toHaveLength(1);

    await bot.start();
    await pressed;
    await ana.waitFor(new RegExp(`Request #${filed[0]!.id} has been sent`), { timeoutMs: 20_000 });
    expect(await requestsOf()).toEqual(filed);
    expect(ana.inbox().filter((m) => /something went wrong/.test(m.text ?? ''))).toEqual([]);
    forgiveRemadeEdit(emu);
  }, 120_000);

  it('a question whose text was handled up to its write is asked once after the restart', async () => {
    const ana = town.residents[0]!;
    const text = 'When will the water be back on in building 1?';
    await ana.send('/ask');
    await ana.press('❓ A question');
    await ana.press('Property and repairs');
    const questionsOf = () => db.selectFrom('questions').select('id').where('asker_id', '=', ana.id).execute();
    const before = await questionsOf();
    // The confirmation to Ana hangs once the question is written, and the bot is killed meanwhile.
    emu.faults.add({ method: 'sendMessage', chatId: ana.id, kind: 'slow', delayMs: 5000 });
    const hanging = faultHit(emu);
    const typed = ana.send(text);
    await hanging;
    await bot.kill();
    const filed = await questionsOf();
    expect(filed).toHaveLength(before.length + 1);

    await bot.start();
    await typed;
    await ana.waitFor(/Your question Q-\d+ has gone to the committee/, { timeoutMs: 20_000 });
    expect(await questionsOf()).toEqual(filed);
    expect(ana.inbox().filter((m) => /something went wrong/.test(m.text ?? ''))).toEqual([]);
    forgiveRemadeEdit(emu);
  }, 120_000);

  it('the same update delivered twice without a crash is handled once', async () => {
    const ana = town.residents[0]!;
    await reportUpToReview(ana, 'Rubbish', 'Bags left by the bike shed');
    const confirmed = () => ana.inbox().filter((m) => RECEIVED.test(m.text ?? '')).length;
    const before = confirmed();
    const review = ana.inbox().at(-1)!;
    const message = emu
      .chat(ana.id)
      .history()
      .find((m) => m.message_id === review.message_id) as TgMessage;
    const data = (review.reply_markup!.inline_keyboard!.flat().find((b) => b.text === '✅ Submit') as { callback_data: string })
      .callback_data;
    const update = await ana.sendUpdate({ callback_query: { data, message } });
    await emu.injectUpdate(update);
    expect((await reportsBy(db, ana.id)).map((r) => r.description)).toEqual([
      'Drilling every night after eleven',
      'Flyers glued over the fire door sign',
      'Bags left by the bike shed',
    ]);
    expect(confirmed()).toBe(before + 1);
  }, 60_000);

  it('the bot never died by itself and made no call Telegram would refuse', () => {
    expect(bot.deaths).toEqual([]);
    expect(emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
  });
});

describe('a webhook retry while the first delivery is still being handled', () => {
  const world = worldSuite({ mode: 'webhook' });

  /** A resident at a report's description step, and their typed description as an update with fixed ids (to deliver twice). */
  const atDescription = async (name: string, ids: { update: number; message: number }, text: string) => {
    const who = await world.resident(name, { locale: 'en' });
    await who.send('/report');
    await who.press('Noise');
    const chat = world.emu.chat(who.id).chat;
    const update = {
      update_id: ids.update,
      message: { message_id: ids.message, from: who.user, chat, date: Math.floor(Date.now() / 1000), text },
    };
    const asked = who.inbox().length;
    return {
      who,
      update,
      repliesSince: () =>
        who
          .inbox()
          .slice(asked)
          .map((m) => m.text),
    };
  };

  it('is dropped at once, and the first delivery finishes its work alone', async () => {
    const {
      who: wen,
      update,
      repliesSince,
    } = await atDescription('Wen', { update: 1_000_000, message: 90_000 }, 'Loud music from flat 302');
    // The bot's next reply hangs for a while, long enough for Telegram to retry.
    world.emu.faults.add({ method: 'sendMessage', chatId: wen.id, kind: 'slow', delayMs: 1500 });
    let firstDone = false;
    const hanging = faultHit(world.emu);
    const first = world.emu.injectUpdate(update).then(() => (firstDone = true));
    await hanging;
    await world.emu.injectUpdate(update);
    expect(firstDone).toBe(false);
    await first;
    expect(repliesSince()).toEqual([expect.stringMatching(/photos/i)]);
  }, 60_000);

  it('two deliveries of one update at the same moment are handled once', async () => {
    const { update, repliesSince } = await atDescription(
      'Lin',
      { update: 2_000_000, message: 90_100 },
      'Drums in the basement every evening',
    );
    await Promise.all([world.emu.injectUpdate(update), world.emu.injectUpdate(update)]);
    expect(repliesSince()).toEqual([expect.stringMatching(/photos/i)]);
    const claim = await world.db
      .selectFrom('processed_updates')
      .select(['finished_at'])
      .where('update_id', '=', update.update_id)
      .executeTakeFirstOrThrow();
    expect(claim.finished_at).not.toBeNull();
  }, 60_000);
});

const PG_URL = process.env.TEST_DATABASE_URL;

/** A fresh PostgreSQL database when TEST_DATABASE_URL is set (dropped afterwards); SQLite otherwise. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (!PG_URL) return { env: {}, drop: async () => undefined };
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  const name = `linli_redelivery_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await run(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => run(`drop database if exists ${name} with (force)`) };
}

describe(`another process on the same ${PG_URL ? 'PostgreSQL' : 'SQLite'} database holds the claim on an update`, () => {
  let world: World;
  let shared: Awaited<ReturnType<typeof sharedDatabase>>;
  let lin: EmulatedUser;
  beforeAll(async () => {
    shared = await sharedDatabase();
    world = await startWorld({ env: shared.env });
    lin = world.emu.user({ id: newUserId(), first_name: 'Lin', language_code: 'en', started: true });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world?.stop();
    await shared?.drop();
  });

  /** What the other process wrote when it took the update: its claim, for half a second unless renewed. */
  const claimElsewhere = (updateId: number, owner: string) => {
    const now = world.clock.now();
    return world.db
      .insertInto('processed_updates')
      .values({ update_id: updateId, at: now, owner, lease_until: now + 500, finished_at: null })
      .execute();
  };
  const askHelp = (updateId: number) =>
    lin.sendUpdate({ update_id: updateId, message: { text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } });
  const claimOf = (updateId: number) =>
    world.db.selectFrom('processed_updates').selectAll().where('update_id', '=', updateId).executeTakeFirstOrThrow();

  it('a claim nobody renews (its process died) is taken over, and the update handled', async () => {
    await claimElsewhere(5_000_001, 'a-dead-process');
    const before = lin.inbox().length;
    await askHelp(5_000_001);
    expect(
      lin
        .inbox()
        .slice(before)
        .some((m) => /What I can do|Your role/i.test(m.text ?? '')),
    ).toBe(true);
    const claim = await claimOf(5_000_001);
    expect(claim.owner).not.toBe('a-dead-process');
    expect(claim.finished_at).not.toBeNull();
  });

  it('a claim its owner keeps renewing (still at work on it) is left to that owner', async () => {
    await claimElsewhere(5_000_002, 'a-live-process');
    const renewing = setInterval(
      () =>
        void world.db
          .updateTable('processed_updates')
          .set({ lease_until: world.clock.now() + 500 })
          .where('update_id', '=', 5_000_002)
          .execute(),
      100,
    );
    const before = lin.inbox().length;
    try {
      await askHelp(5_000_002);
    } finally {
      clearInterval(renewing);
    }
    expect(lin.inbox()).toHaveLength(before);
    expect(await claimOf(5_000_002)).toMatchObject({ owner: 'a-live-process', finished_at: null });
  });
});
