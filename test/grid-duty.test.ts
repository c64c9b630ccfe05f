import { beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { slotAt } from '../src/domain/duty';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { gridSection, routeNotes } from './helpers/grid';
import { hazardSuite } from './helpers/hazards';
import { zonedEpoch } from '../src/zoned-time';

/**
 * The duty rota (/duty) and emergency paging through it (on duty → all staff → admins, N rounds
 * each), and hand-ups followed to an answer (issue 18).
 */

const EN_DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

describe('the duty rota, emergency paging and hand-ups', () => {
  const h = hazardSuite();
  let mei: EmulatedUser;
  // A Tuesday morning in Shanghai, so the 08–20 day slot lasts the whole paging story (whatever the real time of day).
  beforeAll(() => h.world.clock.set(zonedEpoch({ year: 2031, month: 3, day: 4, hour: 9 }, 'Asia/Shanghai')));

  async function emergency(who: EmulatedUser, latitude = 31.2305) {
    await who.send('/report');
    await who.press('🚨 燃气泄漏');
    await who.press('我已知晓，继续上报');
    await who.send('闻到很浓的煤气味');
    await who.press('跳过');
    await who.sendLocation(latitude, 121.4738);
    await who.press('✅ 确认提交');
    await h.world.flush();
    return h.latest();
  }
  const pages = async (id: number) => (await routeNotes(h.world, id)).filter((n) => n.startsWith('page:'));
  const pagedNow = (who: EmulatedUser, id: number) => (who.last()?.text ?? '').includes(`Emergency R-${id + 1000}: please acknowledge now`);

  it('with nobody on duty, an emergency says so in the committee group and pages every staff member', async () => {
    mei = await h.world.staff('Mei');
    const bo = await h.world.resident('Bo');
    const r = await emergency(bo);
    expect(h.group.messages().some((m) => m.text?.includes(`紧急情况 R-${r.id + 1000}：当前无人值班`))).toBe(true);
    expect(pagedNow(h.lin, r.id) && pagedNow(mei, r.id)).toBe(true);
    expect(await pages(r.id)).toEqual(['page:nobody_on_duty:0']);
    await h.lin.press('👀 Acknowledge');
  });

  it('a staff member takes the slot of now and hands it to a colleague, who accepts', async () => {
    const now = slotAt(h.world.clock.now(), 'Asia/Shanghai');
    const label = `${EN_DAYS[now.weekday]} ${now.period}`;
    await h.lin.send('/duty');
    expect(h.lin.last()!.text).toMatch(/On duty now: nobody/);
    await h.lin.press(`➕ ${label}`);
    expect(h.lin.last()!.text).toMatch(/On duty now: Lin/);
    // Someone else cannot take it any more: it has no "take" button, and a forged press is refused.
    const forged = await mei.pressData(`dt|${now.weekday}|${now.period}`);
    expect(forged.answer?.text).toMatch(/Someone already holds/);
    const handOver = await mei.pressData(`dh|${now.weekday}|${now.period}`);
    expect(handOver.answer?.text).toMatch(/not yours/);

    await h.lin.press(`🔁 ${label}`);
    await h.lin.press('Mei');
    await h.world.flush();
    expect(mei.last()!.text).toMatch(new RegExp(`Lin asks you to take over their duty slot ${label}`));
    await mei.press('✅ Accept');
    await h.world.flush();
    expect(h.lin.last()!.text).toMatch(new RegExp(`Mei took over ${label}`));
    // A second tap changes nothing.
    const again = await mei.pressData('da|1|y');
    expect(again.answer?.text).toMatch(/Already done/);
    const slot = await h.world.db.selectFrom('duty_slots').selectAll().executeTakeFirstOrThrow();
    expect(Number(slot.user_id)).toBe(mei.id);
    await mei.send('/duty');
    expect(mei.last()!.text).toMatch(/On duty now: Mei/);
  });

  it('an emergency pages whoever is on duty, then all staff, then the admins, two rounds each, then stops', async () => {
    const cy = await h.world.resident('Cy');
    // Elsewhere (the first one is not offered as the same issue).
    const r = await emergency(cy, 31.25);
    expect(pagedNow(mei, r.id)).toBe(true);
    expect(pagedNow(h.lin, r.id)).toBe(false);
    for (let i = 0; i < 7; i++) {
      h.world.clock.advance(11 * MINUTE);
      await h.job('hazards.pages');
      await h.world.flush();
    }
    expect(await pages(r.id)).toEqual(['page:duty:0', 'page:duty:1', 'page:staff:2', 'page:staff:3', 'page:admins:4', 'page:admins:5']);
    expect((await h.latest()).page_due_at).toBeNull();
    expect(h.world.admin().last()!.text).toMatch(new RegExp(`Emergency R-${r.id + 1000}`));
  });

  it('a hand-up answered late: the reminder, the answer recorded, the reporter told', async () => {
    const dee = await h.world.resident('Dee', { building: 'b2' });
    const r = await h.reportAtHome(dee, '路灯损坏', '小区门口的路灯坏了');
    const card = h.cardOf(r.id);
    await h.lin.pressData(staffButton.pack({ action: 'hand_up', id: r.id }), { in: h.group, messageId: card.message_id });
    await h.world.flush();
    await h.lin.press(/the street office/);
    await h.lin.send('JD-2026-118');
    expect((await h.latest()).status).toBe('handed_up');
    const handUp = await h.world.db.selectFrom('hand_ups').selectAll().where('report_id', '=', r.id).executeTakeFirstOrThrow();
    expect(handUp.expected_at - handUp.handed_at).toBe(7 * DAY);

    h.world.clock.advance(6 * DAY);
    await h.job('grid.handups');
    await h.world.flush();
    expect(h.lin.last()!.text).not.toMatch(/Please chase it/);
    h.world.clock.advance(2 * DAY);
    await h.job('grid.handups');
    await h.job('grid.handups');
    await h.world.flush();
    expect(h.lin.last()!.text).toMatch(new RegExp(`R-${r.id + 1000} was handed up to the street office.*Please chase it`));

    // Still pending: a new date, the reporter hears it; then fixed, late.
    await h.lin.press('⏳ Still pending');
    await h.lin.send('Waiting for the contractor');
    await h.world.flush();
    expect(dee.last()!.text).toMatch(/上级部门仍在处理（Waiting for the contractor）/);
    h.world.clock.advance(8 * DAY);
    await h.job('grid.handups');
    await h.world.flush();
    await h.lin.press('✅ Fixed');
    await h.lin.send('The street office replaced the lamp');
    await h.world.flush();
    expect((await h.latest()).status).toBe('fixed');
    expect(dee.last()!.text).toMatch(/问题解决了吗/);
    const answered = await h.world.db.selectFrom('hand_ups').selectAll().where('report_id', '=', r.id).executeTakeFirstOrThrow();
    expect(answered.answer).toBe('fixed');
    expect(answered.answered_at!).toBeGreaterThan(answered.first_expected_at);
    // The reminder's buttons once the answer is in: already done.
    const late = await h.lin.pressData(`hu|${r.id}|refused`);
    expect(late.answer?.text).toMatch(/Already done/);
    // The summary counts it: settled this week, not in time.
    const section = { text: await gridSection(h.lin) };
    expect(section.text).toMatch(/Handed up: 0 this week; 1 settled \(0 in time\); 0 still awaiting an answer/);
  });
});
