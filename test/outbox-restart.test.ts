import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ManualClock } from '../src/clock';
import { startEmulator, type Emulator } from '../src/sandbox/emulator';
import { seedResidents } from './helpers/residents';
import { startWorld, type World } from './helpers/world';

/** The app stops halfway through a broadcast; a new one on the same database finishes it. */

const SCALE = 5;
const RESIDENTS = 2000;
const sender = { globalPerSecond: 30 * SCALE, privatePerSecond: SCALE, groupPerMinute: 20 * SCALE };
const dir = mkdtempSync(join(tmpdir(), 'linli-restart-'));
let emu: Emulator;
let world: World | undefined;

afterAll(async () => {
  await world?.stop();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a broadcast interrupted by a restart completes, and nobody receives it twice', async () => {
  emu = await startEmulator();
  const clock = new ManualClock();
  const first = await startWorld({ dir, emulator: emu, clock, sender });
  world = first;
  const mei = await first.staff('Mei');
  const residents = await seedResidents(first, RESIDENTS, 6_000_000);

  await mei.send('/announce');
  await mei.send('Community health check on Saturday in the square.');
  await mei.press('Skip');
  await mei.press(/Regular notice/);
  await mei.press(/The whole community/);
  emu.limits.enable({ scale: SCALE });
  await mei.press(`✅ Send to ${RESIDENTS + 1}`);

  // Halfway: the app goes down (as on a deploy) and a new one starts on the same database.
  await emu.waitForCalls((c) => c.method === 'sendMessage' && c.ok && String(c.params.text ?? '').includes('health check'), {
    count: RESIDENTS / 2,
    timeoutMs: 20_000,
  });
  await first.stop();
  world = undefined;
  const sentBefore = await first.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('broadcast_id', 'is not', null)
    .where('status', '=', 'sent')
    .executeTakeFirst()
    .catch(() => undefined);
  void sentBefore; // the first app's database handle is closed; the count is read from the new one below

  const second = await startWorld({ dir, emulator: emu, clock, sender });
  world = second;
  const halfway = await second.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('broadcast_id', 'is not', null)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  expect(Number(halfway.n)).toBeGreaterThan(0);
  await second.app.sender.flush(60_000);

  for (const r of residents) {
    const got = emu
      .chat(r.id)
      .messages()
      .filter((m) => (m.text ?? '').includes('health check'));
    expect(got, `resident ${r.id}`).toHaveLength(1);
  }
  const progress = await mei.waitFor(/Finished/);
  expect(progress.text).toContain(`Sent ${RESIDENTS + 1} of ${RESIDENTS + 1} · unreachable 0 · failed 0`);
  expect(emu.rejected).toEqual([]);
}, 60_000);
