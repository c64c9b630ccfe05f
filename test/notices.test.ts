import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { seedResidents } from './helpers/residents';
import { startWorld, type World } from './helpers/world';

/** Staff send notices with /announce; residents choose topics with /subscribe. */

let world: World;
let mei: EmulatedUser;
beforeAll(async () => {
  world = await startWorld();
  mei = await world.staff('Mei');
});
afterAll(async () => {
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await world.stop();
  }
});

const received = (user: EmulatedUser, words: string) => user.inbox().filter((m) => (m.text ?? m.caption ?? '').includes(words));

/** /announce up to the audience question. */
async function announce(text: string, opts: { urgent?: boolean; photo?: boolean } = {}) {
  await mei.send('/announce');
  await mei.send(text);
  if (opts.photo) await mei.sendPhoto();
  else await mei.press('Skip');
  await mei.press(opts.urgent ? /Urgent safety notice/ : /Regular notice/);
}

async function approveVolunteer(user: EmulatedUser, team: string) {
  await world.db
    .insertInto('team_members')
    .values({
      user_id: user.id,
      community_id: 'meiyuan',
      team_id: team,
      role: 'member',
      status: 'approved',
      skills: null,
      availability: null,
      phone: null,
      agreed_to_be_named: 0,
      created_at: world.clock.now(),
      decided_at: world.clock.now(),
      decided_by: null,
    })
    .execute();
}

describe('notices', () => {
  it('staff preview a notice for chosen buildings, exactly as residents see it, and only those buildings get it', async () => {
    const ana = await world.resident('Ana', { building: 'b1' });
    const bo = await world.resident('Bo', { building: 'b2', locale: 'en' });
    const chen = await world.resident('Chen', { building: 'b3', locale: 'zh-TW' });

    await announce('Water cut on Friday 9:00-12:00 <pipe repair> & cleaning');
    await mei.press(/Chosen buildings/);
    await mei.press(/Building 2$/);
    await mei.press(/Building 3$/);
    await mei.press(/Building 3$/); // untick
    await mei.press(/Building 3$/); // and tick again
    await mei.press(/Done \(2 chosen\)/);
    const preview = mei.last()!;
    expect(preview.text).toContain('Notice from Meiyuan Community');
    expect(preview.text).toContain('Water cut on Friday 9:00-12:00 <pipe repair> & cleaning');
    expect(preview.text).toContain('Recipients: 2');

    await mei.press('✅ Send to 2');
    await world.flush();

    expect(received(bo, 'Water cut')).toHaveLength(1);
    expect(received(bo, 'Water cut')[0].text).toBe(preview.text!.split('\n\n————————')[0]);
    expect(received(chen, 'Water cut')[0].text).toContain('梅園社區居委會通知');
    expect(received(ana, 'Water cut')).toHaveLength(0);
    const progress = await mei.waitFor(/Finished/);
    expect(progress.text).toContain('Sent 2 of 2');
    expect(progress.buttons()).toEqual([]);
  });

  it('a resident who turns notices off misses regular notices but still gets urgent safety ones', async () => {
    const dai = await world.resident('Dai', { building: 'b4', locale: 'en' });
    await dai.send('/subscribe');
    expect(dai.last()!.buttons()).toEqual([
      '✅ Community notices',
      '✅ Events and activities',
      '✅ Safety alerts',
      '⬜ Volunteering opportunities',
    ]);
    await dai.press('✅ Community notices');
    expect(dai.last()!.buttons()[0]).toBe('⬜ Community notices');

    await announce('Lift maintenance in building 4 next week.');
    await mei.press(/Chosen buildings/);
    await mei.press(/Building 4$/);
    await mei.press(/Done/);
    expect(mei.last()!.text).toContain('Recipients: 0');
    expect(mei.last()!.buttons()).not.toContain('✅ Send to 0');
    await mei.press(/Cancel/);

    await announce('Gas pipe work tomorrow 8:00-11:00: please turn off your stoves.', { urgent: true });
    await mei.press(/Chosen buildings/);
    await mei.press(/Building 4$/);
    await mei.press(/Done/);
    expect(mei.last()!.text).toContain('Urgent safety notice');
    await mei.press('✅ Send to 1');
    await world.flush();
    expect(received(dai, 'Gas pipe work')).toHaveLength(1);
    expect(received(dai, 'Gas pipe work')[0].text).toContain('🚨');
  });

  it('notices reach all volunteers, one team, or the subscribers of a topic; a photo travels with the notice', async () => {
    const [vic, wen, xia] = [
      await world.resident('Vic', { building: 'b5' }),
      await world.resident('Wen', { building: 'b5' }),
      await world.resident('Xia', { building: 'b5', locale: 'en' }),
    ];
    await approveVolunteer(vic, 'patrol');
    await approveVolunteer(wen, 'green');
    await xia.send('/subscribe');
    await xia.press('⬜ Volunteering opportunities');

    await announce('Night patrol briefing on Thursday.');
    await mei.press(/One volunteer team/);
    await mei.press('Night patrol');
    expect(mei.last()!.text).toContain('Recipients: 1');
    await mei.press('✅ Send to 1');

    await announce('Thank you, volunteers: tea party on Sunday.');
    await mei.press(/All volunteers/);
    expect(mei.last()!.text).toContain('Recipients: 2');
    await mei.press('✅ Send to 2');

    await announce('We need helpers for the autumn fair.', { photo: true });
    await mei.press(/Subscribers of a topic/);
    await mei.press('Volunteering opportunities');
    const preview = mei.last()!;
    expect(preview.photo).toBeDefined();
    expect(preview.caption).toContain('Recipients: 1');
    await mei.press('✅ Send to 1');
    await world.flush();

    expect(received(vic, 'Night patrol briefing')).toHaveLength(1);
    expect(received(wen, 'Night patrol briefing')).toHaveLength(0);
    expect(received(vic, 'tea party')).toHaveLength(1);
    expect(received(wen, 'tea party')).toHaveLength(1);
    expect(received(xia, 'tea party')).toHaveLength(0);
    const fair = received(xia, 'autumn fair');
    expect(fair).toHaveLength(1);
    expect(fair[0].photo).toBeDefined();
  });

  it('bad input is refused politely and a resident cannot announce', async () => {
    const yan = await world.resident('Yan', { locale: 'en' });
    await yan.send('/announce');
    expect(yan.last()!.text).toMatch(/not allowed/);

    await mei.send('/announce');
    await mei.sendSticker();
    expect(mei.last()!.text).toMatch(/Please answer in text/);
    await mei.send('x'.repeat(5000));
    expect(mei.last()!.text).toMatch(/too long/);
    await mei.send('A notice long enough to need no photo... ' + 'y'.repeat(1000));
    await mei.sendPhoto();
    expect(mei.last()!.text ?? mei.last()!.caption).toMatch(/With a photo the notice can be at most/);
    await mei.send('/cancel');
    const forged = await yan.pressData('bc|stop|1');
    expect(forged.answer?.text).toMatch(/not allowed/);
  });

  it('staff stop a broadcast midway: the rest is cancelled and the totals say so', async () => {
    await seedResidents(world, 120, 7_000_000);
    await announce('Parking survey: please answer by Friday.');
    await mei.press(/The whole community/);
    const count = /Recipients: (\d+)/.exec(mei.last()!.text!)![1];
    world.emu.limits.enable(); // Telegram's real pace: 30 a second
    await mei.press(`✅ Send to ${count}`);
    const progress = await mei.waitFor(/Sending “Parking survey/, { timeoutMs: 10_000 });
    await world.emu.waitForCalls((c) => c.method === 'sendMessage' && String(c.params.text ?? '').includes('Parking survey'), {
      count: 30,
    });
    const stop = await mei.press('⏹ Stop sending', { messageId: progress.message_id });
    expect(stop.answer?.text).toMatch(/Stopped/);
    await world.flush();
    world.emu.limits.disable();

    const final = await mei.waitFor(/Stopped: “Parking survey/);
    const [, sent, total, , , cancelled] = /Sent (\d+) of (\d+) · unreachable (\d+) · failed (\d+) · not sent (\d+)/
      .exec(final.text!)!
      .map(Number);
    expect(total).toBe(Number(count));
    expect(cancelled).toBeGreaterThan(0);
    expect(sent + cancelled).toBe(total);
    // Every notice sent (not the preview in Mei's chat, not the progress message).
    const delivered = world.emu
      .allBotMessages()
      .filter((m) => !m.edit_date && (m.text ?? '').includes('Parking survey: please answer by Friday.') && !m.text!.includes('————'));
    expect(delivered).toHaveLength(sent);
    const again = await mei.press('⏹ Stop sending', { messageId: progress.message_id }).catch((e: Error) => e);
    expect(again).toBeInstanceOf(Error); // the button is gone with the final totals
  });
});
