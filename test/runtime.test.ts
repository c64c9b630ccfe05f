import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/sandbox/emulator';
import { freePort, newUserId, startWorld, type World } from './helpers/world';

/** How the bot runs: webhook security, health, command menus, faults, and a clean stop. */

describe('polling mode with METRICS_PORT', () => {
  it('serves /healthz and /metrics on that port, and stops serving them with the bot', async () => {
    const port = await freePort();
    const world = await startWorld({ env: { METRICS_PORT: String(port) } });
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ ok: true, database: 'up', sessions: 'up', sender: 'running' });
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^# TYPE linli_job_runs_total counter$/m);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await world.stop();
    }
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe('webhook mode', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ mode: 'webhook' });
  });
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('refuses updates without the secret token, and handles nothing of them', async () => {
    const eve = world.emu.user({ id: newUserId(), first_name: 'Eve', language_code: 'en' });
    await expect(
      world.emu.injectUpdate(
        {
          message: {
            message_id: 1,
            date: 0,
            chat: { id: eve.id, type: 'private', first_name: 'Eve' },
            from: { id: eve.id, is_bot: false, first_name: 'Eve' },
            text: '/start',
          },
        },
        { secretToken: 'wrong-secret-0123456789' },
      ),
    ).rejects.toThrow(/401/);
    expect(world.emu.deliveries.at(-1)!.status).toBe(401);
    expect(await world.app.deps.users.find(eve.id)).toBeUndefined();
  });

  it('answers /healthz with the database, session store and sender states, and /metrics in Prometheus text', async () => {
    const url = new URL(world.emu.webhookUrl!);
    const res = await fetch(`http://127.0.0.1:${url.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'up', sessions: 'up', sender: 'running' });
    await world.resident('Mia');
    await world.flush();
    const metrics = await (await fetch(`http://127.0.0.1:${url.port}/metrics`)).text();
    expect(metrics).toMatch(/^linli_updates_total\{outcome="handled"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^linli_update_handling_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^# TYPE linli_outbox_pending gauge$/m);
    // Unauthenticated requests for anything else are still refused.
    expect((await fetch(`http://127.0.0.1:${url.port}/telegram`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('handles the same update delivered twice only once', async () => {
    const fay = await world.resident('Fay');
    const update = {
      update_id: 777_001,
      message: {
        message_id: 90,
        date: 0,
        chat: { id: fay.id, type: 'private', first_name: 'Fay' },
        from: { id: fay.id, is_bot: false, first_name: 'Fay' },
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    const before = fay.inbox().length;
    await world.emu.injectUpdate(update);
    await world.emu.injectUpdate(update);
    expect(fay.inbox().length).toBe(before + 1);
  });
});

describe('command menus and faults (polling)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('registers the command menu per language', () => {
    const zh = world.emu.commands({ type: 'all_private_chats' }, 'zh').map((c) => `${c.command} ${c.description}`);
    const en = world.emu.commands({ type: 'all_private_chats' }, 'en').map((c) => `${c.command} ${c.description}`);
    expect(zh).toContain('help 我能做什么');
    expect(en).toContain('help What I can do');
    expect(en.some((c) => c.startsWith('invite'))).toBe(false);
    expect(world.emu.commands({ type: 'all_group_chats' }, 'en').map((c) => c.command)).toContain('link');
  });

  it('gives staff their own command menu when they join', async () => {
    const gus = await world.staff('Gus');
    const menu = world.emu.commands({ type: 'chat', chat_id: gus.id }, '').map((c) => c.command);
    expect(menu).toContain('invite');
  });

  it('an update that fails is answered with an apology and the bot keeps going', async () => {
    const hal = await world.resident('Hal');
    world.emu.faults.add({ method: 'sendMessage', chatId: hal.id, kind: '5xx', times: 1 });
    await hal.send('/help');
    expect(hal.last()!.text).toMatch(/出了点问题/);
    await hal.send('/help');
    expect(hal.last()!.text).toMatch(/您的身份：居民/);
  });
});

describe('a failing setMyCommands is logged, not fatal', () => {
  it('starts anyway', async () => {
    const emu = await startEmulator();
    emu.faults.add({ method: 'setMyCommands', kind: '5xx', times: Infinity });
    const world = await startWorld({ emulator: emu });
    const ida = await world.resident('Ida');
    expect(ida.last()!.text).toMatch(/登记完成/);
    await world.stop();
    await emu.close();
  });
});

describe('the process', () => {
  it('stops on SIGTERM within 10 s and exits 0', async () => {
    const emu = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'linli-proc-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        BOT_TOKEN: emu.token,
        TELEGRAM_API_ROOT: emu.apiRoot,
        DATABASE_URL: `sqlite:${join(dir, 'db', 'linli.db')}`,
        SESSION_DB: join(dir, 's.db'),
        LOG_LEVEL: 'info',
        PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const ready = async () => {
      for (let i = 0; i < 900 && !out.includes('Linli is running'); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await ready();
    expect(out).toContain('Linli is running');
    const jo = emu.user({ id: newUserId(), first_name: 'Jo', language_code: 'en' });
    await jo.send('/start');
    expect(jo.last()!.text).toMatch(/Please choose your language/);
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing personal at info level: no message text in the logs.
    expect(out).not.toContain('/start');
    await emu.close();
  }, 60_000);

  it('refuses a bad configuration with one line naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, BOT_TOKEN: '123:abc', DOTENV_CONFIG_PATH: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim()).toBe('Configuration error: BOT_TOKEN does not look like a bot token (123456:ABC...)');
  }, 60_000);
});

describe('a resident flooding the bot', () => {
  it('is slowed politely, and a neighbour is not', async () => {
    const world = await startWorld();
    const flo = await world.resident('Flo');
    const ned = await world.resident('Ned');
    for (let i = 0; i < 40; i++) await flo.send(`spam ${i}`);
    const warnings = flo.inbox().filter((m) => /发送得太快/.test(m.text ?? ''));
    expect(warnings).toHaveLength(1);
    expect(flo.inbox().filter((m) => /没有理解/.test(m.text ?? '')).length).toBeLessThan(40);
    await ned.send('/help');
    expect(ned.last()!.text).toMatch(/您的身份：居民/);
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });
});
