import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOUR } from '../src/clock';
import { committeeChat, teamChat } from '../src/domain/chat-links';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox';
import { ADMIN, LEAD, PATROLLER, RESIDENT, RESIDENT_TW, STAFF, VOLUNTEER } from '../src/sandbox/seed';

/** The sandbox without a browser: the demo it seeds and the web chat's API, as the page uses it. */

describe('the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;

  const get = async (path: string) => {
    const res = await fetch(sandbox.web.url + path);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const post = async (path: string, body: object) => {
    const res = await fetch(sandbox.web.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  /** Reads a persona's event stream until an event passes the test. */
  const nextEvent = async (as: number, test: (e: Record<string, any>) => boolean, act: () => Promise<unknown>) => {
    const controller = new AbortController();
    const res = await fetch(`${sandbox.web.url}/api/events?as=${as}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const found = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!line.startsWith('data: ')) continue;
          const event = JSON.parse(line.slice(6));
          if (test(event)) return event;
        }
      }
    })();
    await act();
    try {
      return await found;
    } finally {
      controller.abort();
    }
  };

  /** The persona's own chat's last message, after what they just did. */
  const lastMessage = async (as: number) => (await get(`/api/chat?as=${as}&chat=${as}`)).body.messages.at(-1) as Record<string, any>;
  /** Presses the button whose words are `text` on the persona's last message, as the page does. */
  const press = async (as: number, text: string) => {
    const m = await lastMessage(as);
    const button = m.buttons?.flat().find((b: { text: string }) => b.text === text);
    if (!button) throw new Error(`no "${text}" button on: ${m.text ?? m.caption}`);
    return post('/api/press', { as, chat: as, messageId: m.id, data: button.data });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-sandbox-'));
    sandbox = await startSandbox({ dir, port: 0, logLevel: 'silent' });
  });
  afterAll(async () => {
    expect(sandbox.emu.rejected).toEqual([]);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with a demo street office: every role, linked groups, reports and requests in different states', async () => {
    const { db } = sandbox.app.deps;
    expect(sandbox.seeded.warnings).toEqual([]);
    const { body } = await get('/api/personas');
    const roles = Object.fromEntries(body.personas.map((p: { id: number; role: string }) => [p.id, p.role]));
    expect(roles).toMatchObject({
      [RESIDENT]: 'resident',
      [VOLUNTEER]: 'volunteer',
      [PATROLLER]: 'volunteer',
      [LEAD]: 'lead',
      [STAFF]: 'staff',
      [ADMIN]: 'admin',
    });

    expect(await committeeChat(db, 'meiyuan')).toBeLessThan(0);
    expect(await committeeChat(db, 'guihua')).toBeLessThan(0);
    expect(await teamChat(db, 'meiyuan', 'elder')).toBeLessThan(0);

    const reports = await db.selectFrom('reports').select('status').execute();
    expect(new Set(reports.map((r) => r.status))).toEqual(new Set(['new', 'acknowledged', 'fixed', 'closed']));
    const tasks = await db.selectFrom('tasks').select(['status', 'claimed_by']).orderBy('id').execute();
    expect(tasks).toEqual([
      { status: 'open', claimed_by: null },
      { status: 'claimed', claimed_by: VOLUNTEER },
    ]);
  });

  it('shows a persona their chats, the bot’s messages with buttons and keyboard, and the menu for their role', async () => {
    const { body: chats } = await get(`/api/chats?as=${STAFF}`);
    expect(chats.chats.map((c: { title: string }) => c.title)).toEqual([
      'Linli',
      '梅园社区居委会',
      '梅园 · 为老服务队',
      '梅园 · 平安夜巡队',
    ]);

    const { body: chat } = await get(`/api/chat?as=${STAFF}&chat=${STAFF}`);
    expect(chat.messages.map((m: { text: string }) => m.text)).toEqual(['/start', expect.stringContaining('李敏')]);
    expect(chat.keyboard.rows.flat().map((k: { text: string }) => k.text)).toContain('⚠️ 上报隐患');
    expect(chat.commands.map((c: { command: string }) => c.command)).toContain('invite');

    const { body: residentChat } = await get(`/api/chat?as=${RESIDENT}&chat=${RESIDENT}`);
    expect(residentChat.commands.map((c: { command: string }) => c.command)).not.toContain('invite');

    // Buttons are pressed by their data on their message; the bot's answer comes back.
    await post('/api/send', { as: RESIDENT, chat: RESIDENT, text: '/lang' });
    const { body: after } = await get(`/api/chat?as=${RESIDENT}&chat=${RESIDENT}`);
    const picker = after.messages.at(-1);
    const english = picker.buttons.flat().find((b: { text: string }) => b.text.includes('English'));
    const pressed = await post('/api/press', { as: RESIDENT, chat: RESIDENT, messageId: picker.id, data: english.data });
    expect(pressed.body.answer.text).toBe('English');
    expect((await sandbox.app.deps.users.find(RESIDENT))?.locale).toBe('en');
  });

  it('keeps each persona to their own chats', async () => {
    const committee = (await committeeChat(sandbox.app.deps.db, 'meiyuan'))!;
    expect((await get(`/api/chat?as=${RESIDENT}&chat=${committee}`)).status).toBe(403);
    expect((await post('/api/send', { as: RESIDENT, chat: STAFF, text: 'hello' })).status).toBe(403);
    expect((await get('/api/chats?as=424242')).status).toBe(404);
  });

  it('brings what one persona does to another live, and a new resident can join the demo', async () => {
    const committee = (await committeeChat(sandbox.app.deps.db, 'meiyuan'))!;
    const event = await nextEvent(
      ADMIN,
      (e) => e.type === 'message' && e.chatId === committee,
      () => post('/api/send', { as: STAFF, chat: committee, text: '今天下午三点开会' }),
    );
    expect(event.message).toMatchObject({ text: '今天下午三点开会', from: '李敏', fromId: STAFF, fromBot: false });

    const { body } = await post('/api/personas', { name: '刘先生', locale: 'zh-CN' });
    expect(body.persona).toMatchObject({ name: '刘先生', role: 'resident' });
    const { body: chats } = await get(`/api/chats?as=${body.persona.id}`);
    expect(chats.chats).toHaveLength(1);
    expect(chats.centre).toEqual({ latitude: 31.2304, longitude: 121.4737 });
  });

  it('names the building nearest to the location the page fills in when a report is made by sharing it', async () => {
    const { body: chats } = await get(`/api/chats?as=${RESIDENT_TW}`);
    await post('/api/send', { as: RESIDENT_TW, chat: RESIDENT_TW, text: '/report' });
    await press(RESIDENT_TW, '路燈損壞');
    await post('/api/send', { as: RESIDENT_TW, chat: RESIDENT_TW, text: '花園邊的路燈不亮' });
    await press(RESIDENT_TW, '跳過');
    await post('/api/send', { as: RESIDENT_TW, chat: RESIDENT_TW, location: chats.centre });
    if ((await lastMessage(RESIDENT_TW)).buttons?.flat().some((b: { text: string }) => b.text === '不是，這是另一件事'))
      await press(RESIDENT_TW, '不是，這是另一件事');
    expect((await lastMessage(RESIDENT_TW)).text).toMatch(/地點：桂花苑\d+號樓附近/);
    await press(RESIDENT_TW, '✅ 確認提交');

    const { db } = sandbox.app.deps;
    const r = await db.selectFrom('reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(r).toMatchObject({ community_id: 'guihua', latitude: chats.centre.latitude, building_id: expect.stringMatching(/^b\d+$/) });
    // The committee's card (sent through the outbox, so a moment later) says "near" too.
    const group = sandbox.emu.chat((await committeeChat(db, 'guihua'))!);
    const card = await vi.waitFor(() => {
      const found = group.messages().find((m) => (m.text ?? m.caption ?? '').includes(`R-${r.id + 1000}`));
      if (!found) throw new Error('no card yet');
      return found.text ?? found.caption ?? '';
    });
    expect(card).toMatch(/📍 桂花苑\S+附近/);
  });

  it('serves the tab an icon', async () => {
    const res = await fetch(`${sandbox.web.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toContain('<svg');
  });

  it('describes a persona by what the bot knows now, and previews each chat’s last message for the page to word', async () => {
    const { body } = await post('/api/personas', { name: '周女士', locale: 'zh-TW' });
    expect(body.persona.details).toEqual({ registered: false });
    const { body: staff } = await get(`/api/chats?as=${STAFF}`);
    expect(staff.persona.details).toMatchObject({ registered: true, community: { 'zh-CN': '梅园社区' } });
    expect(staff.chats[0].preview).toMatchObject({ text: expect.stringContaining('李敏') });
    const { body: volunteer } = await get(`/api/personas`);
    const zhao = volunteer.personas.find((p: { id: number }) => p.id === VOLUNTEER);
    expect(zhao.details.team['zh-CN']).toBeTruthy();
  });

  it('moves the sandbox clock on and runs the jobs that are due', async () => {
    const before = sandbox.clock.now();
    const { body } = await post('/api/time', { hours: 1 });
    expect(sandbox.clock.now() - before).toBeGreaterThanOrEqual(HOUR);
    expect(body.ran.length).toBeGreaterThan(0);
    expect((await post('/api/time', { hours: -1 })).status).toBe(400);
  });

  it('dates messages by the sandbox clock', async () => {
    await post('/api/time', { hours: 48 });
    await post('/api/send', { as: RESIDENT, chat: RESIDENT, text: '/start' });
    const { body } = await get(`/api/chat?as=${RESIDENT}&chat=${RESIDENT}`);
    const since = body.messages.findLastIndex((m: { text?: string }) => m.text === '/start');
    const sent = body.messages.slice(since);
    expect(sent.some((m: { fromBot: boolean }) => m.fromBot)).toBe(true);
    for (const m of sent) {
      expect(Math.abs(m.date * 1000 - sandbox.clock.now())).toBeLessThan(60_000);
      expect(m.date * 1000).toBeGreaterThan(Date.now() + 47 * HOUR);
    }
  });
});
