import { expect, it } from 'vitest';
import { worldSuite } from './helpers/world';
import { seedResidents } from './helpers/residents';
import { announceUpToSend } from './helpers/simulation';

/**
 * Direct replies at Telegram's real limits: the emulator allows a chat a burst of three messages,
 * then one a second; the bot keeps to a bucket of REPLY_BURST (2) refilled once a second.
 */

const world = worldSuite({ sender: { replyBurst: 2 } });

it('a resident typing faster than Telegram allows gets every reply, in bursts of two refilled once a second, and no 429', async () => {
  const ann = await world.resident('Ann Li');
  world.emu.limits.enable();
  const from = world.emu.calls.length;
  for (const text of ['/help', '/mydata', '/help', '/mydata', '/help']) await ann.send(text);

  const sends = world.emu.calls.slice(from).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === ann.id);
  expect(sends.filter((c) => c.error?.code === 429)).toEqual([]);
  expect(sends.length).toBeGreaterThanOrEqual(5);
  // Replayed through a bucket of two that refills once a second: the bot never spends more than it has.
  let tokens = 2;
  for (const [i, c] of sends.entries()) {
    if (i > 0) tokens = Math.min(2, tokens + (c.at - sends[i - 1]!.at) / 1000);
    expect(tokens, `reply ${i + 1}`).toBeGreaterThan(0.95);
    tokens -= 1;
  }
  // And it does use the burst: some reply followed the one before it at once.
  expect(sends.slice(1).some((c, i) => c.at - sends[i]!.at < 500)).toBe(true);
  expect(world.emu.stats.tooManyRequests).toBe(0);
}, 30_000);

it('a resident asking for help while a notice goes out at the full 30 a second is answered, and Telegram refuses nothing', async () => {
  const mei = await world.staff('Mei Pace');
  const residents = await seedResidents(world, 300, 6_100_000);
  const bo = await world.resident('Bo Pace');
  const send = await announceUpToSend(mei, 'The stairwell lights in building 2 are replaced on Friday.');
  world.emu.limits.enable();
  await mei.press(send);
  // While the sender fills each second, Bo asks three times, as a person would.
  await world.emu.waitForCalls((c) => c.ok && String(c.params.text ?? '').includes('stairwell lights'), { count: 60, timeoutMs: 10_000 });
  for (let i = 0; i < 3; i++) {
    const before = bo.inbox().length;
    await bo.send('/help');
    expect(bo.inbox().length).toBeGreaterThan(before);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  await world.app.sender.flush(60_000);
  for (const r of residents) expect(r.inbox().filter((m) => (m.text ?? '').includes('stairwell lights'))).toHaveLength(1);
  expect(world.emu.stats.tooManyRequests).toBe(0);
}, 60_000);
