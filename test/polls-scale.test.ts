import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { formatLocalTime } from '../src/domain/events';
import { seedResidents } from './helpers/residents';
import { startWorld, type World } from './helpers/world';

/**
 * A poll to 2,000 residents through the outbox at Telegram's real limits, which the emulator
 * enforces (30 messages a second, 1 a second per chat): 2,001 messages take about 67 s.
 * POLLS_SCALE=2 scales the limits and the sender up together, as test/outbox.test.ts does, for
 * a quicker run of the same pacing code (not higher: at 150/s the sender and the in-process
 * emulator share a busy 2-core machine's CPU and the rate then measures the machine). Then
 * residents vote from the delivered messages while the live count follows, a day before
 * closing the reminder reaches exactly those who have not voted, and at closing the result
 * shows the turnout of all six buildings.
 */

const SCALE = Number(process.env.POLLS_SCALE ?? 1);
const RESIDENTS = 2000;
const TOTAL = RESIDENTS + 1; // Mei lives in the community too
/** The send at the allowed rate, with half as long again and 15 s to spare; then a minute for the rest of the story. */
const FLUSH_MS = Math.ceil(((TOTAL / (30 * SCALE)) * 1000 * 3) / 2) + 15_000;
vi.setConfig({ testTimeout: FLUSH_MS + 60_000 });
const VOTERS = 60;
let world: World;

beforeAll(async () => {
  world = await startWorld({ sender: { globalPerSecond: 30 * SCALE, privatePerSecond: SCALE, groupPerMinute: 20 * SCALE } });
});
afterAll(async () => {
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await world.stop();
  }
});

it('a poll reaches 2,000 residents once each at Telegram’s pace; their votes count and only non-voters are reminded', async () => {
  const mei = await world.staff('Mei');
  const group = world.emu.group({ title: '梅园居委会', admins: [mei] });
  await mei.send('/link committee', { in: group });
  const residents = await seedResidents(world, RESIDENTS, 6_000_000);
  const q = 'Should the community hall open on Sunday evenings?';
  await mei.send('/poll');
  await mei.send(q);
  await mei.send('Yes\nNo');
  await mei.press(/One$/);
  await mei.press(/Named/);
  await mei.press(/Every person/);
  await mei.press(/Only when the poll closes/);
  const closesAt = Math.ceil((world.clock.now() + 2 * DAY) / MINUTE) * MINUTE;
  await mei.send(formatLocalTime(closesAt, 'en', 'Asia/Shanghai'));
  await mei.press(/No, this vote decides/);
  await mei.press(/The whole community/);
  expect(mei.last()!.text).toContain(`Recipients: ${TOTAL}`);

  world.emu.limits.enable({ scale: SCALE });
  const started = Date.now();
  await mei.press(`✅ Send to ${TOTAL}`);
  await world.app.sender.flush(FLUSH_MS);
  const seconds = (Date.now() - started) / 1000;
  world.emu.limits.disable();

  for (const r of residents) {
    const got = world.emu
      .chat(r.id)
      .messages()
      .filter((m) => (m.text ?? '').includes(q));
    expect(got, `resident ${r.id}`).toHaveLength(1);
  }
  const sends = world.emu.calls.filter((c) => c.method === 'sendMessage' && c.at >= started).map((c) => c.at);
  const rate = sends.length / ((sends[sends.length - 1] - sends[0]) / 1000);
  const refused = world.emu.stats.tooManyRequests;
  console.log(`poll: ${TOTAL} messages in ${seconds.toFixed(1)} s, ${rate.toFixed(1)}/s of ${30 * SCALE}/s allowed, ${refused} × 429`);
  expect(refused).toBeLessThan(10);
  expect(rate).toBeGreaterThan(30 * SCALE * 0.8);
  expect(await world.app.deps.db.selectFrom('broadcasts').select('status').where('kind', '=', 'poll').executeTakeFirst()).toEqual({
    status: 'done',
  });
  await mei.waitFor(/Finished/);

  // Votes from the delivered messages, a few at a time as people do.
  const voters = residents.slice(0, VOTERS);
  for (let i = 0; i < voters.length; i += 10) {
    await Promise.all(
      voters.slice(i, i + 10).map(async (v, j) => {
        const messageId = world.emu
          .chat(v.id)
          .messages()
          .find((m) => (m.text ?? '').includes(q))!.message_id;
        await v.press(j % 3 === 0 ? /^⬜ 2\. No/ : /^⬜ 1\. Yes/, { messageId });
        const answer = await v.press(/^🗳 (Vote|投票)$/, { messageId });
        expect(answer.answer?.text).toMatch(/投票已計入|投票已计入|your vote is counted/);
      }),
    );
  }
  const poll = await world.db.selectFrom('polls').selectAll().executeTakeFirstOrThrow();
  expect(poll.voters).toBe(VOTERS);
  await mei.send('/polls');
  await mei.press('📊 Live count');
  expect(mei.last()!.text).toContain(`Voters: ${VOTERS}`);
  expect(mei.last()!.text).toMatch(/Yes — 36 votes \(60%\)[\s\S]*No — 24 votes \(40%\)/);

  // The reminders are queued (at bulk priority, behind anything personal) for exactly the non-voters.
  world.clock.set(closesAt - DAY);
  expect(await world.app.scheduler.tick()).toContain('polls.remind');
  const reminders = await world.db.selectFrom('outbox').select('chat_id').where('ref', '=', `poll:${poll.id}:reminder`).execute();
  const reminded = new Set(reminders.map((r) => r.chat_id));
  expect(reminders).toHaveLength(TOTAL - VOTERS);
  expect(reminded.size).toBe(TOTAL - VOTERS);
  for (const v of voters) expect(reminded.has(v.id)).toBe(false);

  // At closing: the result with turnout in all six buildings (at group priority, ahead of the reminders still going out), and its chart.
  world.clock.set(closesAt);
  expect(await world.app.scheduler.tick()).toContain('polls.close');
  const result = await group.waitFor(/^🗳 投票结果/, { timeoutMs: 10_000 });
  // The chart follows once the text is marked sent (the files job waits for it).
  const filesJob = world.app.scheduler.jobs.find((j) => j.name === 'summary.files')!;
  for (let i = 0; i < 50 && !group.messages().some((m) => m.photo); i++) {
    await new Promise((r) => setTimeout(r, 100));
    await world.app.scheduler.run(filesJob);
  }
  expect(result.text).toContain('Yes — 36 票（60%）');
  expect(result.text!.match(/梅园新村\d号楼：\d+ \/ \d+/g)).toHaveLength(6);
  const photo = group.messages().find((m) => m.photo)!;
  mkdirSync('test/.artifacts', { recursive: true });
  writeFileSync('test/.artifacts/poll-result-2000.png', world.emu.file(photo.photo!.at(-1)!.file_id)!.bytes);
});
