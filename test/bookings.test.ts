import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/clock';
import { formatDay } from '../src/domain/help-time';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { zonedEpoch } from '../src/zoned-time';
import { startWorld, type World } from './helpers/world';

/**
 * Booking the service hall: legal advice in person (Wednesdays 14:00–17:00, an hour each, one
 * person a slot). A full slot is refused; a cancellation frees its place; reminders come at
 * 20:00 the evening before and an hour before, once each; staff mark who came, and the no-show
 * counts in the weekly summary.
 */

const TZ = 'Asia/Shanghai';
const at = (d: number, h: number, mi = 0) => zonedEpoch({ year: 2027, month: 3, day: d, hour: h, minute: mi }, TZ);
// Wednesday 3 March 2027.
const WED = 3;

describe('bookings', () => {
  let world: World;
  let ana: EmulatedUser;
  let bo: EmulatedUser;
  let lin: EmulatedUser;

  const bookings = () => world.db.selectFrom('bookings').selectAll().orderBy('id').execute();
  const runReminders = async () => {
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'bookings.reminders')!);
    await world.flush();
  };
  const reminders = (u: EmulatedUser) => u.inbox().filter((m) => (m.text ?? '').startsWith('⏰'));
  /** Up to the slot step of Wednesday's legal advice. */
  const toSlots = async (who: EmulatedUser) => {
    await who.send('/book');
    await who.press('Legal advice in person');
    await who.press(formatDay(at(WED, 12), 'en', TZ));
    expect(who.last()!.text).toContain('Which time on');
  };

  beforeAll(async () => {
    world = await startWorld();
    world.clock.set(at(1, 10)); // Monday 1 March 2027
    lin = await world.staff('Lin');
    ana = await world.resident('Ana', { locale: 'en' });
    bo = await world.resident('Bo', { locale: 'en' });
  });
  afterAll(async () => {
    expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
    await world.stop();
  });

  it('the last place of a slot goes to one resident; the other is refused, and a cancellation frees it', async () => {
    await toSlots(ana);
    await toSlots(bo);
    expect(bo.last()!.buttons()).toContain('14:00 (1 free)');
    await ana.press('14:00 (1 free)');
    expect(ana.last()!.text).toMatch(/^✅ Booked: B-1 Legal advice in person · Wed.* 14:00–15:00/);
    // Bo still has the old buttons: the press is refused politely and books nothing.
    await bo.press('14:00 (1 free)');
    expect(bo.last()!.text).toMatch(/^⚠️ Sorry, that time is full. Please pick another./);
    expect((await bookings()).filter((b) => b.status === 'booked')).toHaveLength(1);
    await bo.send('/cancel');

    await toSlots(bo);
    expect(bo.last()!.buttons()).toContain('14:00 (full)');
    await bo.send('/cancel');
    await ana.press('✖️ Cancel B-1');
    expect(ana.last()!.text).toContain('Your booking B-1 is cancelled');
    expect((await bookings())[0]).toMatchObject({ status: 'cancelled', seat: null });

    await toSlots(bo);
    await bo.press('14:00 (1 free)');
    expect(bo.last()!.text).toMatch(/^✅ Booked: B-2/);
    expect((await bookings())[1]).toMatchObject({ status: 'booked', seat: 1, user_id: bo.id });
  });

  it('reminds at 20:00 the evening before and an hour before, each once', async () => {
    world.clock.set(at(WED - 1, 20) - 2 * MINUTE);
    await runReminders();
    expect(reminders(bo)).toEqual([]);
    world.clock.set(at(WED - 1, 20) + MINUTE);
    await runReminders();
    await runReminders();
    expect(reminders(bo).map((m) => m.text)).toEqual([expect.stringMatching(/^⏰ Reminder: tomorrow you have B-2 Legal advice in person/)]);

    world.clock.set(at(WED, 13) - 2 * MINUTE);
    await runReminders();
    expect(reminders(bo)).toHaveLength(1);
    world.clock.set(at(WED, 13) + MINUTE);
    await runReminders();
    await runReminders();
    expect(reminders(bo).map((m) => m.text)).toEqual([expect.stringContaining('tomorrow'), expect.stringMatching(/^⏰ In an hour: B-2/)]);
    // The cancelled booking was never reminded.
    expect(reminders(ana)).toEqual([]);
  });

  it("staff see the day's list and mark who came; a second mark changes nothing", async () => {
    await lin.send('/bookings');
    expect(lin.last()!.text).toContain('Bookings on Wed');
    expect(lin.last()!.text).toContain('14:00 Legal advice in person · Bo (B-2)');
    await lin.press('❌ No-show');
    expect(lin.last()!.text).toContain('❌ 14:00');
    expect((await bookings())[1]).toMatchObject({ status: 'no_show' });
    const again = await lin.pressData('ka|2|y');
    expect(again.answer?.text).toMatch(/Already done/);
    expect((await bookings())[1].status).toBe('no_show');

    await lin.send('/summary');
    await lin.press('This week');
    const text = lin.inbox().findLast((m) => m.text?.startsWith('📊 Meiyuan Community'))!.text!;
    expect(text).toContain('Booking no-shows: 1');
    expect(text).toContain('Bookings kept: 0');
  });

  it("/mydata lists a resident's bookings; /deleteme gives back the place still to come", async () => {
    const cy = await world.resident('Cy', { locale: 'en' });
    await toSlots(cy);
    await cy.press('16:00 (1 free)');
    const booking = (await bookings()).at(-1)!;
    await cy.send('/mydata');
    expect(cy.last()!.text).toContain(`Booking B-${booking.id} Legal advice in person`);
    expect(cy.last()!.text).toContain('(booked)');
    await cy.send('/deleteme');
    await cy.press(/delete/i);
    expect((await bookings()).at(-1)).toMatchObject({ id: booking.id, status: 'cancelled', seat: null, user_id: null });
  });
});

/**
 * The week of the Spring Festival holidays (16–18 February 2027 in the config): no slot is offered
 * on a holiday and the resident is told why; a reminder's Cancel gives the place to someone else;
 * a booking made in the last hour and a quarter gets no "in an hour" (remindersSettledAtBooking);
 * staff page /bookings to other days.
 */
describe('bookings around the holidays and the last hour', () => {
  let world: World;
  let lin: EmulatedUser;
  const feb = (d: number, h: number, mi = 0) => zonedEpoch({ year: 2027, month: 2, day: d, hour: h, minute: mi }, TZ);
  const day = (d: number) => formatDay(feb(d, 12), 'en', TZ);
  const hall = 'Service hall: papers and certificates';
  const booking = (ref: string) =>
    world.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', Number(ref.slice(2)))
      .execute();
  const runReminders = async () => {
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'bookings.reminders')!);
    await world.flush();
  };
  const dayButtons = (u: EmulatedUser) => (u.last()?.buttons() ?? []).filter((b) => b.includes('Feb'));
  const hourReminders = (u: EmulatedUser) => u.inbox().filter((m) => (m.text ?? '').startsWith('⏰ In an hour'));
  /** Books the hall on a day at a time; answers the confirmation's text and the booking's ref. */
  const bookHall = async (who: EmulatedUser, d: number, time: string) => {
    await who.send('/book');
    await who.press(hall);
    await who.press(day(d));
    await who.press(new RegExp(`^${time} \\(\\d free\\)$`));
    const text = who.last()!.text ?? '';
    return { text, ref: /B-\d+/.exec(text)?.[0] ?? '' };
  };

  beforeAll(async () => {
    world = await startWorld();
    world.clock.set(feb(15, 10)); // Monday 15 February 2027, the day before the holidays
    lin = await world.staff('Lin');
  });
  afterAll(async () => {
    expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
    await world.stop();
  });

  it('offers no slot on a holiday and says why, politely', async () => {
    const ana = await world.resident('Ana', { locale: 'en' });
    await ana.send('/book');
    await ana.press('Legal advice in person');
    // Its only Wednesday this week is a holiday.
    expect(ana.last()!.text).toContain(`Please try again later.\n🏮 Closed for the holidays: ${day(17)}.`);
    expect(dayButtons(ana)).toEqual([]);
    await ana.press('⬅️ Back');
    await ana.press(hall);
    expect(ana.last()!.text).toContain(`Which day?\n🏮 Closed for the holidays: ${day(16)}, ${day(17)} and ${day(18)}.`);
    expect(dayButtons(ana)).toEqual([day(15), day(19)]);
    // A forged press of a holiday is refused, and books nothing.
    await ana.pressData(`f|bkbook|day|${feb(17, 0)}`);
    expect(ana.last()!.text).toContain('Please tap one of the buttons above.');
    await ana.send('/cancel');
    expect(await world.db.selectFrom('bookings').selectAll().execute()).toEqual([]);
  });

  it("the reminder's Cancel gives the place back, and that booking is reminded no more", async () => {
    const [bo, cy, di] = await Promise.all(['Bo', 'Cy', 'Di'].map((n) => world.resident(n, { locale: 'en' })));
    const bos = await bookHall(bo, 19, '09:00');
    await bookHall(cy, 19, '09:00');
    await di.send('/book');
    await di.press(hall);
    await di.press(day(19));
    expect(di.last()!.buttons()).toContain('09:00 (full)');
    await di.send('/cancel');

    world.clock.set(feb(18, 20, 1));
    await runReminders();
    const reminder = bo.last()!;
    expect(reminder.text).toMatch(new RegExp(`^⏰ Reminder: tomorrow you have ${bos.ref} `));
    await bo.press(`✖️ Cancel ${bos.ref}`, { messageId: reminder.message_id });
    expect(bo.last()!.text).toBe(`Your booking ${bos.ref} is cancelled; its place is free for someone else.`);
    expect(await booking(bos.ref)).toMatchObject([{ status: 'cancelled', seat: null }]);

    // Booked after 20:00 the evening before: only the hour's reminder is to come, and the confirmation says so.
    const dis = await bookHall(di, 19, '09:00');
    expect(dis.text).toMatch(/^✅ Booked: B-\d+ .* I will remind you an hour before\.$/);
    expect(await booking(dis.ref)).toMatchObject([{ status: 'booked', seat: 1 }]);
    world.clock.set(feb(19, 8, 1));
    await runReminders();
    expect([bo, cy, di].map((u) => hourReminders(u).length)).toEqual([0, 1, 1]);
  });

  it('a booking less than an hour and a quarter before its start gets no "in an hour" reminder', async () => {
    const [dan, eve, fay] = await Promise.all(['Dan', 'Eve', 'Fay'].map((n) => world.resident(n, { locale: 'en' })));
    world.clock.set(feb(19, 8, 40));
    const soon = await bookHall(dan, 19, '09:30');
    expect(soon.text).toMatch(/^✅ Booked: B-\d+ .* It starts soon, so there will be no reminder: see you there!$/);
    // 10:00's reminder would come at 09:00, twenty minutes on: it will.
    const later = await bookHall(eve, 19, '10:00');
    expect(later.text).toContain('I will remind you an hour before.');
    world.clock.set(feb(19, 8, 50));
    // Ten minutes before that reminder would be due: none.
    expect((await bookHall(fay, 19, '10:00')).text).toContain('It starts soon');
    for (const m of [55, 60, 65, 90]) {
      world.clock.set(feb(19, 8, m));
      await runReminders();
    }
    expect([dan, eve, fay].map((u) => hourReminders(u).length)).toEqual([0, 1, 0]);
    expect(hourReminders(eve)[0].text).toContain(later.ref);
  });

  it('staff page /bookings to the days before and after; a later day has no Came buttons yet', async () => {
    const gus = await world.resident('Gus', { locale: 'en' });
    world.clock.set(feb(19, 9, 10));
    const next = await bookHall(gus, 22, '14:00');
    await lin.send('/bookings');
    const list = lin.last()!;
    expect(list.text).toContain(`Bookings on ${day(19)}`);
    expect(list.text).toContain('10:00 Service hall: papers and certificates · Eve');
    expect(list.buttons()).toContain(`◀️ ${day(18)}`);
    expect(list.buttons().at(-1)).toBe(`${day(20)} ▶️`);
    expect(list.buttons().some((b) => b.includes('Dan came'))).toBe(true);

    await lin.press(`◀️ ${day(18)}`, { messageId: list.message_id });
    expect(lin.last()!.text).toBe(`📅 No bookings on ${day(18)}.`);
    expect(lin.last()!.buttons()).toEqual([`◀️ ${day(17)}`, '📅 Today', `${day(19)} ▶️`]);
    await lin.press('📅 Today', { messageId: list.message_id });
    expect(lin.last()!.text).toContain(`Bookings on ${day(19)}`);
    for (const d of [20, 21, 22]) await lin.press(`${day(d)} ▶️`, { messageId: list.message_id });
    expect(lin.last()!.text).toContain(`14:00 Service hall: papers and certificates · Gus (${next.ref})`);
    expect(lin.last()!.buttons()).toEqual([`◀️ ${day(21)}`, '📅 Today', `${day(23)} ▶️`]);
    // A forged day, or one far past the month either side, is stale.
    for (const date of ['20270230', '20270601']) {
      const press = await lin.pressData(`kd|${date}`);
      expect(press.answer?.text).toMatch(/no longer valid/);
    }
  });

  it('a slot already begun stays on the list to be marked, and marking keeps the bookings before it', async () => {
    // Still 09:10 on the 19th: Cy's and Di's 09:00 began ten minutes ago, exactly the ones to mark now.
    await lin.send('/bookings');
    const list = lin.last()!;
    expect(list.text).toMatch(/⏳ 09:00 Service hall: papers and certificates · Cy/);
    expect(list.text).toMatch(/⏳ 09:00 Service hall: papers and certificates · Di/);
    await lin.press(/ Cy came$/, { messageId: list.message_id });
    const dan = await world.db
      .selectFrom('bookings')
      .select('id')
      .where('starts_at', '=', feb(19, 9, 30))
      .executeTakeFirstOrThrow();
    await lin.pressData(`ka|${dan.id}|n`, { messageId: list.message_id });
    const after = lin.last()!;
    expect(after.text).toMatch(/✅ 09:00 Service hall: papers and certificates · Cy/);
    expect(after.text).toMatch(/⏳ 09:00 Service hall: papers and certificates · Di/);
    expect(after.text).toMatch(/❌ 09:30 Service hall: papers and certificates · Dan/);
    expect(after.buttons().some((b) => b.includes('Di came'))).toBe(true);
  });

  it("a forged Came / No-show for a later day's booking is refused and marks nothing", async () => {
    const gus = await world.db.selectFrom('bookings').selectAll().where('starts_at', '=', feb(22, 14)).executeTakeFirstOrThrow();
    for (const came of ['n', 'y']) {
      const press = await lin.pressData(`ka|${gus.id}|${came}`);
      expect(press.answer?.text).toMatch(/no longer valid/);
    }
    // Still booked: Gus may cancel it, and will be reminded.
    expect(await booking(`B-${gus.id}`)).toMatchObject([{ status: 'booked', marked_at: null, hour_reminded_at: null }]);
  });
});
