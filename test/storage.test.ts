import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/sandbox/emulator';
import { dropFreshDatabases, freshPostgres, PG_URL } from './helpers/postgres';
import { newUserId, startWorld } from './helpers/world';

/**
 * The same stories on each storage: SQLite + keyv SQLite (always), PostgreSQL and Redis (when
 * TEST_DATABASE_URL / TEST_REDIS_URL are set, as CI sets them). A flow survives a restart.
 */

const REDIS_URL = process.env.TEST_REDIS_URL;
if (!PG_URL) console.warn('storage.test: TEST_DATABASE_URL is not set, so the PostgreSQL tests are skipped');
if (!REDIS_URL) console.warn('storage.test: TEST_REDIS_URL is not set, so the Redis session tests are skipped');

afterAll(dropFreshDatabases);

const storages = [
  { name: 'SQLite + keyv SQLite', run: true, env: async (): Promise<Record<string, string>> => ({}) },
  { name: 'PostgreSQL + keyv SQLite', run: Boolean(PG_URL), env: async () => ({ DATABASE_URL: await freshPostgres() }) },
  { name: 'SQLite + Redis sessions', run: Boolean(REDIS_URL), env: async () => ({ REDIS_URL: REDIS_URL! }) },
  {
    name: 'PostgreSQL + Redis sessions',
    run: Boolean(PG_URL && REDIS_URL),
    env: async () => ({ DATABASE_URL: await freshPostgres(), REDIS_URL: REDIS_URL! }),
  },
];

describe.each(storages)('storage: $name', ({ run, env }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it.skipIf(!run)('a resident half-way through onboarding carries on after a restart', async () => {
    const emu = await startEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'linli-storage-'));
    const extra = await env();
    const first = await startWorld({ emulator: emu, dir, env: extra });
    const ana = emu.user({ id: newUserId(), first_name: 'Ana', language_code: 'en' });
    await ana.send('/start');
    await ana.press('✓ English');
    await ana.press('Guihua Community');
    await first.stop();

    const second = await startWorld({ emulator: emu, dir, env: extra });
    cleanups.push(async () => {
      await second.stop();
      await emu.close();
    });
    await ana.press('Guihua Garden Building 9');
    await ana.send('12-3');
    await ana.press('✅ I agree');
    expect(ana.last()!.text).toMatch(/You are registered: Guihua Community · Guihua Garden Building 9 · 12-3/);
    const row = await second.db.selectFrom('users').selectAll().where('id', '=', ana.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ community_id: 'guihua', building_id: 'b9', unit: '12-3', locale: 'en' });
    expect(emu.rejected).toEqual([]);
  });

  it.skipIf(!run)('an invitation link works exactly once when two people open it together', async () => {
    const extra = await env();
    const world = await startWorld({ env: extra });
    cleanups.push(() => world.stop());
    const admin = world.admin();
    await admin.send('/invite');
    await admin.press('Staff');
    await admin.press('Meiyuan Community');
    const link = /start=(inv-[\w-]+)/.exec(admin.last()!.text!)![1];
    const people = Array.from({ length: 5 }, (_, i) => world.emu.user({ id: newUserId(), first_name: `P${i}`, language_code: 'en' }));
    await Promise.all(people.map((p) => p.send(`/start ${link}`)));
    const staff = await world.db.selectFrom('users').select('id').where('role', '=', 'staff').execute();
    expect(staff).toHaveLength(1);
    expect(people.filter((p) => p.inbox().some((m) => /already been used/.test(m.text ?? '')))).toHaveLength(4);
  });
});

describe('storage: two bots on one Redis', () => {
  it.skipIf(!REDIS_URL)('keep apart the conversations of a person who talks to both', async () => {
    const bots = await Promise.all(
      ['7101000001', '7101000002'].map(async (id) => {
        const emulator = await startEmulator({ token: `${id}:AATwoBotsOneRedis00000000000000000` });
        return startWorld({ emulator, env: { REDIS_URL: REDIS_URL! } });
      }),
    );
    const id = newUserId();
    const [a, b] = bots.map((w) => w.emu.user({ id, first_name: 'Ana', language_code: 'en' }));
    try {
      await a!.send('/start');
      await a!.press('✓ English');
      await a!.press('Guihua Community');
      await a!.press('Guihua Garden Building 9');
      // Asked for the unit, the person starts with the other bot (the same chat id there).
      await b!.send('/start');
      await a!.send('12-3');
      await a!.press('✅ I agree');
      expect(a!.last()!.text).toMatch(/You are registered: Guihua Community · Guihua Garden Building 9 · 12-3/);
      // The other bot still waits for the language its question asked.
      await b!.press('✓ English');
      expect(b!.last()!.buttons()).toContain('Guihua Community');
    } finally {
      for (const w of bots) {
        await w.stop();
        await w.emu.close();
      }
    }
  });
});
