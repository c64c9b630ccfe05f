import { afterAll, beforeAll, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { parseLocalTime } from '../src/domain/events';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { startWorld, type World } from './helpers/world';

/** An event with a capacity: RSVPs, the waiting list, reminders, attendance and ratings. */

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await world.stop();
  }
});

const localDate = (at: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const invitationOf = (u: EmulatedUser) => u.inbox().find((m) => (m.text ?? '').includes('Free health check'));
const runReminders = () => world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'notices.event_reminders')!);

it('reads local times in the community’s time zone', () => {
  const now = Date.UTC(2026, 10, 25, 0, 0);
  expect(parseLocalTime('2026-12-05 14:30', 'Asia/Shanghai', now)).toBe(Date.UTC(2026, 11, 5, 6, 30));
  expect(parseLocalTime('12月5日 14:30', 'Asia/Shanghai', now)).toBe(Date.UTC(2026, 11, 5, 6, 30));
  expect(parseLocalTime('2/30 10:00', 'Asia/Shanghai', now)).toBeUndefined();
  expect(parseLocalTime('tomorrow', 'Asia/Shanghai', now)).toBeUndefined();
});

it('a full event puts people on a waiting list, moves the first up when a place frees, reminds, and collects ratings', async () => {
  const mei = await world.staff('Mei');
  const ana = await world.resident('Ana', { building: 'b6', locale: 'en' });
  const bo = await world.resident('Bo', { building: 'b6', locale: 'en' });
  const chen = await world.resident('Chen', { building: 'b6', locale: 'en' });
  const dai = await world.resident('Dai', { building: 'b6' });

  // Staff create the event: two places, for building 6.
  const day = localDate(world.clock.now() + 3 * DAY);
  await mei.send('/event');
  await mei.send('Free health check');
  await mei.send('Blood pressure and sugar checks by the street clinic. Bring your medical card.');
  await mei.send('next Friday morning');
  expect(mei.last()!.text).toMatch(/Please write a date and time such as/);
  await mei.send(`${day} 09:30`);
  await mei.send('Community square');
  await mei.send('two');
  expect(mei.last()!.text).toMatch(/number from 1 to 10000/);
  await mei.send('2');
  await mei.press('Skip');
  await mei.press(/Chosen buildings/);
  await mei.press(/Building 6$/);
  await mei.press(/Done/);
  const preview = mei.last()!;
  expect(preview.text).toContain('Free health check');
  expect(preview.text).toContain('2 places');
  expect(preview.text).toContain('Recipients: 4');
  await mei.press('✅ Send to 4');
  await world.flush();
  const event = await world.db.selectFrom('events').selectAll().executeTakeFirstOrThrow();
  expect(event.starts_at).toBe(parseLocalTime(`${day} 09:30`, 'Asia/Shanghai', world.clock.now()));
  expect(invitationOf(ana)!.buttons()).toEqual(['✅ Going', "❌ Can't go"]);
  expect(dai.inbox().some((m) => (m.text ?? '').includes('🕒'))).toBe(true); // in Chinese

  // Two places: Ana and Bo get them, Chen waits.
  expect((await ana.press('✅ Going')).answer?.text).toMatch(/You are going/);
  expect((await ana.press('✅ Going')).answer?.text).toMatch(/already going/);
  await bo.press('✅ Going');
  expect((await chen.press('✅ Going')).answer?.text).toMatch(/number 1 on the waiting list/);
  await chen.send('/events');
  expect(chen.last()!.text).toContain('You are number 1 on the waiting list');
  expect(chen.last()!.text).toContain('Going: 2/2 · waiting list: 1');

  // Bo can't go after all: Chen moves up and is told.
  expect((await bo.press("❌ Can't go")).answer?.text).toMatch(/Your place goes to the next person/);
  await world.flush();
  expect(chen.last()!.text).toContain('A place has freed up');
  const going = await world.db.selectFrom('rsvps').select(['user_id', 'status']).where('status', '=', 'going').orderBy('user_id').execute();
  expect(going.map((g) => g.user_id).sort()).toEqual([ana.id, chen.id].sort());
  expect((await world.db.selectFrom('events').select('going').executeTakeFirstOrThrow()).going).toBe(2);

  // Reminders the day before and two hours before, to those going only, once each.
  world.clock.set(event.starts_at - 20 * HOUR);
  await runReminders();
  await runReminders();
  await world.flush();
  expect(ana.inbox().filter((m) => (m.text ?? '').includes('is tomorrow'))).toHaveLength(1);
  expect(chen.inbox().filter((m) => (m.text ?? '').includes('is tomorrow'))).toHaveLength(1);
  expect(bo.inbox().filter((m) => (m.text ?? '').includes('is tomorrow'))).toHaveLength(0);
  world.clock.set(event.starts_at - 90 * MINUTE);
  await runReminders();
  await world.flush();
  expect(ana.inbox().filter((m) => (m.text ?? '').includes('starts in about two hours'))).toHaveLength(1);

  // Answers are closed once the event starts.
  world.clock.set(event.starts_at + 2 * HOUR);
  expect((await bo.press('✅ Going', { messageId: invitationOf(bo)!.message_id })).answer?.text).toMatch(/closed/);

  // Afterwards staff mark who came and ask them for a rating.
  await mei.send('/events');
  await mei.press('👥 List and attendance');
  expect(mei.last()!.text).toContain('Going (2/2):');
  await mei.press('⬜ Ana');
  expect(mei.last()!.buttons()).toContain('✅ Ana');
  await mei.press('⭐ Ask attendees for a rating');
  await world.flush();
  const question = ana.last()!;
  expect(question.text).toContain('How was it?');
  expect(chen.inbox().some((m) => (m.text ?? '').includes('How was it?'))).toBe(false);
  await ana.press('⭐⭐⭐⭐', { messageId: question.message_id });
  expect(ana.last()!.text).toContain('You rated');
  const rated = await world.db.selectFrom('rsvps').select(['rating', 'attended']).where('user_id', '=', ana.id).executeTakeFirstOrThrow();
  expect(rated).toEqual({ rating: 4, attended: 1 });

  // Forged and stale presses change nothing.
  expect((await chen.pressData(`evr|${event.id}|5`)).answer?.text).toMatch(/can no longer be given/);
  expect((await chen.pressData(`eva|${event.id}|${chen.id}`)).answer?.text).toMatch(/not allowed/);
  expect((await chen.pressData('ev|go|999999')).answer?.text).toMatch(/no longer valid/);
  const still = await world.db.selectFrom('rsvps').select(['rating', 'attended']).where('user_id', '=', chen.id).executeTakeFirstOrThrow();
  expect(still).toEqual({ rating: null, attended: null });
});

it('the longest button payloads fit in 64 bytes', async () => {
  const { attendanceButton, broadcastButton, eventButton, ratingButton } = await import('../src/features/notices/buttons');
  const big = 999_999_999_999_999;
  expect(() => attendanceButton.pack({ event: big, user: 9_999_999_999 })).not.toThrow();
  expect(() => eventButton.pack({ action: 'list', id: big })).not.toThrow();
  expect(() => ratingButton.pack({ event: big, score: 5 })).not.toThrow();
  expect(() => broadcastButton.pack({ action: 'stop', id: big })).not.toThrow();
});
