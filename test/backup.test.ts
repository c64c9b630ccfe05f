import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorld, type World } from './helpers/world';

/** `npm run backup` copies the SQLite databases consistently while the bot runs and writes. */

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

it('a backup taken while residents register holds every committed row and passes SQLite’s integrity check', async () => {
  await world.resident('Ana');
  const folder = join(world.dir, 'backup');
  const env = {
    ...process.env,
    BOT_TOKEN: world.emu.token,
    DATABASE_URL: `sqlite:${join(world.dir, 'linli.db')}`,
    SESSION_DB: join(world.dir, 'sessions.db'),
  };
  // Someone is registering while the copy is taken.
  const [{ stdout }] = await Promise.all([
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/ops/backup.ts', folder], { env }),
    world.resident('Bo'),
  ]);
  expect(stdout).toContain(`Backed up to ${folder}`);
  const copy = new SQLite(join(folder, 'linli.db'), { readonly: true });
  try {
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const names = (copy.prepare('SELECT first_name FROM users').all() as { first_name: string }[]).map((u) => u.first_name);
    expect(names).toContain('Ana');
  } finally {
    copy.close();
  }
  const sessions = new SQLite(join(folder, 'sessions.db'), { readonly: true });
  expect(sessions.pragma('integrity_check', { simple: true })).toBe('ok');
  sessions.close();
});
