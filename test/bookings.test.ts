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
