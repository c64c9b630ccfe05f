import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SessionData } from '../src/bot/context';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { worldSuite } from './helpers/world';

/** Issue 17: the same conversation in fewer Bot API calls and writes; what people see stays as it was or gets tidier. */

const world = worldSuite();

/** The Bot API calls the bot made while `act` ran (polling aside). */
async function callsDuring(act: () => Promise<unknown>) {
  const from = world.emu.calls.length;
  await act();
  return world.emu.calls.slice(from).filter((c) => c.method !== 'getUpdates');
}

const methods = (calls: { method: string }[]) => calls.map((c) => c.method).sort();

describe('a flow step answered with a button', () => {
  it('becomes the next question in the same message, its answer noted on top; Back turns it back', async () => {
    const ana = await world.resident('Ana');
    await ana.send('/report');
    const question = ana.last()!;
    const before = ana.inbox().length;

    const pressed = await callsDuring(() => ana.press('小广告'));
    expect(methods(pressed)).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(ana.inbox()).toHaveLength(before); // no new message
    const edited = ana.last()!;
    expect(edited.message_id).toBe(question.message_id);
    expect(edited.text).toMatch(/^✓ 小广告\n\n请简要描述“小广告”的情况/);
    expect(edited.buttons()).toContain('⬅️ 上一步');

    const back = await callsDuring(() => ana.press('⬅️ 上一步'));
    expect(methods(back)).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(ana.last()!.message_id).toBe(question.message_id);
    expect(ana.last()!.text).toBe(question.text);
    expect(ana.last()!.buttons()).toEqual(question.buttons());
    await ana.send('/cancel');
  });

  it('a typed answer still gets the next question below it, the answered one losing its buttons', async () => {
    const bo = await world.resident('Bo');
    await bo.send('/report');
    await bo.press('小广告');
    const asked = bo.last()!;
    const typed = await callsDuring(() => bo.send('楼道里贴满了小广告'));
    expect(methods(typed)).toEqual(['editMessageReplyMarkup', 'sendMessage']);
    expect(
      bo
        .inbox()
        .find((m) => m.message_id === asked.message_id)!
        .buttons(),
    ).toEqual([]);
    expect(bo.last()!.message_id).toBeGreaterThan(asked.message_id);
    await bo.send('/cancel');
  });
});

describe("a person's command menu", () => {
  const menuCalls = (u: EmulatedUser, calls: { method: string; params: Record<string, unknown> }[]) =>
    calls.filter((c) => c.method === 'setMyCommands' && (c.params.scope as { chat_id?: number } | undefined)?.chat_id === u.id);
  const choose = async (u: EmulatedUser, language: RegExp) => {
    await u.send('/lang');
    return callsDuring(() => u.press(language));
  };
  const remembered = async (u: EmulatedUser) =>
    (await world.db.selectFrom('users').select('command_menu').where('id', '=', u.id).executeTakeFirstOrThrow()).command_menu;

  it('is set only when it would change, and what was set is remembered', async () => {
    const cy = await world.resident('Cy'); // Telegram speaks zh-CN: the menu for everyone in Chinese is hers already
    expect(menuCalls(cy, await choose(cy, /简体中文/))).toHaveLength(0);
    expect(await remembered(cy)).toBeNull();

    const english = menuCalls(cy, await choose(cy, /English/));
    expect(english).toHaveLength(1);
    expect(english[0].params.commands).toContainEqual(
      expect.objectContaining({ command: 'report', description: expect.stringMatching(/[A-Za-z]/) }),
    );
    expect(await remembered(cy)).toMatch(/^en:/);

    expect(menuCalls(cy, await choose(cy, /English/))).toHaveLength(0);
    expect(menuCalls(cy, await choose(cy, /简体中文/))).toHaveLength(1); // pinned to English before: set back
    expect(await remembered(cy)).toMatch(/^zh-CN:/);
  });
});

describe('sessions', () => {
  const rowsOf = (u: EmulatedUser) => {
    const db = new SQLite(join(world.dir, 'sessions.db'), { readonly: true });
    try {
      return (db.prepare('SELECT value FROM sessions WHERE key LIKE ?').all(`%:${u.id}`) as { value: string }[]).map((r) => r.value);
    } finally {
      db.close();
    }
  };

  it('are written only when they change: none for someone who only looks around, none left after a cancel', async () => {
    const du = await world.resident('Du');
    const inFlow = () => rowsOf(du).some((v) => (JSON.parse(v) as { value: SessionData }).value.flow !== undefined);
    const before = rowsOf(du);
    await du.send('/help');
    await du.send('/mydata');
    expect(rowsOf(du)).toEqual(before);
    await du.send('/report');
    expect(inFlow()).toBe(true);
    await du.send('/cancel');
    expect(inFlow()).toBe(false);
  });

  it('a person who never started a flow has no session row at all', async () => {
    const ed = world.emu.user({ first_name: 'Ed', language_code: 'en' });
    await ed.send('/start');
    await ed.send('/help');
    expect(rowsOf(ed)).toEqual([]);
  });
});
