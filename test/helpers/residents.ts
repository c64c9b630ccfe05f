import type { EmulatedUser } from '../../src/sandbox/emulator';
import type { World } from './world';

/** Residents registered straight in the database (fast); they have started the bot in Telegram. */
export async function seedResidents(w: World, count: number, firstId: number): Promise<EmulatedUser[]> {
  const now = w.clock.now();
  const locales = ['zh-CN', 'zh-TW', 'en'];
  const users = Array.from({ length: count }, (_, i) => w.emu.user({ id: firstId + i, first_name: `Resident ${i}`, started: true }));
  const rows = users.map((u, i) => ({
    id: u.id,
    first_name: `Resident ${i}`,
    username: null,
    locale: locales[i % 3],
    role: 'resident' as const,
    community_id: 'meiyuan',
    building_id: `b${(i % 6) + 1}`,
    unit: null,
    phone: null,
    privacy_accepted_at: now,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await w.db
      .insertInto('users')
      .values(rows.slice(i, i + 500))
      .execute();
  return users;
}
