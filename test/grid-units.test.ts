import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { acceptInvite, gridSection, listsReport, routeNotes } from './helpers/grid';
import { hazardSuite } from './helpers/hazards';

/** Partner units (驻区单位): registered with /units, their contact invited, reports in their frontage theirs (issue 18). */

describe('partner units', () => {
  const h = hazardSuite();
  let zhou: EmulatedUser;

  it('staff register a unit with its frontage and invite its contact', async () => {
    await h.lin.send('/units');
    expect(h.lin.last()!.text).toMatch(/Partner units<\/b>: 0|Partner units: 0/);
    await h.lin.press('➕ Register a unit');
    await h.lin.send('Meiyuan Bank');
    await h.lin.press('Meiyuan Xincun Building 2');
    await h.lin.press('✅ Done');
    zhou = await acceptInvite(h.world, 'Zhou', h.lin.last()!.text ?? '');
    await zhou.waitFor(/your unit's contact/);
    await h.lin.send('/units');
    expect(h.lin.last()!.text).toMatch(/Meiyuan Bank.*contact: Zhou.*frontage: Meiyuan Xincun Building 2/);
  });

  it('a report in the frontage goes to the contact, who acknowledges and fixes it like staff', async () => {
    const ann = await h.world.resident('Ann', { building: 'b2' });
    const r = await h.reportAtHome(ann, '小广告', '楼门口贴满了小广告');
    expect(zhou.last()!.text).toMatch(new RegExp(`New report R-${r.id + 1000} in your unit's frontage`));
    expect(h.cardOf(r.id)).toBeUndefined();
    await zhou.press('👀 Acknowledge');
    // Their copy of the card is brought up to date through the outbox, like a page.
    await h.world.flush();
    await zhou.press('✅ Fixed');
    await zhou.send('Cleaned the door');
    await zhou.press('Skip');
    expect((await h.latest()).status).toBe('fixed');
    await h.world.flush();
    expect(ann.last()!.text).toMatch(/问题解决了吗/);
    expect(await listsReport(zhou, r.id)).toBe(false); // fixed is not open
    const section = { text: await gridSection(h.lin) };
    expect(section.text).toMatch(/🏢 Meiyuan Bank: 1 report, 1 fixed, median time to fix/);
  });

  it("a unit's contact acting on a report outside its frontage is refused and changes nothing", async () => {
    const bo = await h.world.resident('Bo', { building: 'b3' });
    const r = await h.reportAtHome(bo, '小广告', '三号楼贴了小广告');
    const card = h.cardOf(r.id);
    for (const action of ['acknowledge', 'fix', 'hand_up'] as const) {
      const press = await zhou.pressData(staffButton.pack({ action, id: r.id }), { in: h.group, messageId: card.message_id });
      expect(press.answer?.text).toMatch(/only staff of this community/);
    }
    await zhou.pressData(`ho|${r.id}`);
    expect(zhou.last()!.text ?? '').not.toMatch(new RegExp(`R-${r.id + 1000}`));
    expect((await h.latest()).status).toBe('new');
    expect(await listsReport(zhou, r.id)).toBe(false);
    // A building head or resident has no /reports at all.
    await bo.send('/reports');
    expect(bo.last()!.text).toMatch(/没有权限|not allowed|只有/);
  });

  it('units are invited to events: the audience "Partner units" reaches their contacts', async () => {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      h.world.clock.now() + 3 * DAY,
    );
    await h.lin.send('/event');
    await h.lin.send('共驻共建 meeting');
    await h.lin.send('The partner units and the committee plan the spring clean-up.');
    await h.lin.send(`${day} 14:00`);
    await h.lin.send('Committee hall');
    await h.lin.send('20');
    await h.lin.press('Skip');
    await h.lin.press(/Partner units/);
    expect(h.lin.last()!.text).toContain('Recipients: 1');
    await h.lin.press('✅ Send to 1');
    await h.world.flush();
    const invitation = zhou.inbox().find((m) => (m.text ?? '').includes('共驻共建 meeting'));
    expect(invitation!.buttons()).toEqual(['✅ Going', "❌ Can't go"]);
    expect((await zhou.press('✅ Going', { messageId: invitation!.message_id })).answer?.text).toMatch(/You are going/);
  });
});

/** A unit's frontage may name spots of the community (config `spots`): a report shared near one is the unit's. */
describe('partner units: spots of the frontage', () => {
  const h = hazardSuite();
  let qian: EmulatedUser;
  let unitId: number;
  // 南门公交站 is configured at 31.2286, 121.4733: this is about 15 m from it (building 6 is the nearest building).
  const BY_THE_STOP = [31.2287, 121.4734] as const;

  async function reportAt(who: EmulatedUser, [latitude, longitude]: readonly [number, number], text: string) {
    await who.send('/report');
    await who.press('垃圾堆放');
    await who.send(text);
    await who.press('跳过');
    await who.sendLocation(latitude, longitude);
    if (who.last()!.buttons().includes('不是，这是另一件事')) await who.press('不是，这是另一件事');
    const review = who.last()!.text ?? who.last()!.caption ?? '';
    await who.press('✅ 确认提交');
    await h.world.flush();
    return { r: await h.latest(), review };
  }

  it('staff register a unit whose frontage is a spot, and invite its contact', async () => {
    await h.lin.send('/units');
    await h.lin.press('➕ Register a unit');
    await h.lin.send('South Gate Bus Company');
    expect(h.lin.last()!.buttons()).toEqual(expect.arrayContaining(['Meiyuan Xincun Building 1', '📍 South gate bus stop']));
    await h.lin.press('📍 South gate bus stop');
    await h.lin.press('✅ Done');
    expect(h.lin.last()!.text).toMatch(/South Gate Bus Company registered \(frontage: 📍 South gate bus stop\)/);
    qian = await acceptInvite(h.world, 'Qian', h.lin.last()!.text ?? '');
    await qian.waitFor(/your unit's contact/);
    await h.lin.send('/units');
    expect(h.lin.last()!.text).toMatch(/South Gate Bus Company.*contact: Qian.*frontage: 📍 South gate bus stop/);
    const unit = await h.world.db
      .selectFrom('partner_units')
      .selectAll()
      .where('name', '=', 'South Gate Bus Company')
      .executeTakeFirstOrThrow();
    unitId = Number(unit.id);
    expect(await h.world.db.selectFrom('unit_spots').selectAll().where('unit_id', '=', unitId).execute()).toEqual([
      { unit_id: unitId, spot_id: 'south_bus' },
    ]);
    expect(await h.world.db.selectFrom('unit_frontage').selectAll().where('unit_id', '=', unitId).execute()).toEqual([]);
    await qian.send('/mydata');
    expect(qian.last()!.text).toContain('Partner unit contact: meiyuan / spot south_bus');
  });

  it('a location shared next to the spot goes to the contact, who sees it in /reports and acknowledges and fixes it', async () => {
    const ann = await h.world.resident('Ann', { building: 'b5' });
    const { r, review } = await reportAt(ann, BY_THE_STOP, '公交站旁堆了很多垃圾');
    expect(review).toMatch(/南门公交站附近/);
    expect(r).toMatchObject({ spot_id: 'south_bus', building_id: 'b6', responder_id: qian.id });
    expect(r.group_due_at).not.toBeNull();
    expect(await routeNotes(h.world, r.id)).toEqual([`unit:${unitId}`]);
    const first = qian.last()!;
    expect(first.text).toMatch(new RegExp(`New report R-${r.id + 1000} in your unit's frontage`));
    expect(first.text).toMatch(/near South gate bus stop/);
    expect(first.buttons()).toEqual(['👀 Acknowledge', '👷 Assign', '🚫 Reject', '⬆️ Hand upward']);
    expect(h.cardOf(r.id)).toBeUndefined();
    expect(await listsReport(qian, r.id)).toBe(true);

    await qian.press('👀 Acknowledge', { messageId: first.message_id });
    await h.world.flush();
    await qian.press('✅ Fixed', { messageId: first.message_id });
    await qian.send('Swept and bagged');
    await qian.press('Skip');
    const fixed = await h.world.db.selectFrom('reports').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(fixed).toMatchObject({ status: 'fixed', owner_id: qian.id, group_due_at: null });
    expect(fixed.acknowledged_at).not.toBeNull();
    expect(await gridSection(h.lin)).toMatch(/🏢 South Gate Bus Company: 1 report, 1 fixed, median time to fix/);
  });

  it('unacknowledged within gridAckMinutes, a spot report falls back to the committee group', async () => {
    const bo = await h.world.resident('Bo', { building: 'b5' });
    const { r } = await reportAt(bo, [31.22865, 121.47335], '站台边的垃圾桶满了');
    expect(r.responder_id).toBe(qian.id);
    h.world.clock.advance(31 * MINUTE);
    await h.job('grid.fallback');
    await h.world.flush();
    expect(h.cardOf(r.id).text).toMatch(/南门公交站附近/);
    expect((await h.latest()).grouped_at).not.toBeNull();
  });

  it('a location far from every spot goes the usual way, and the contact may not act on it', async () => {
    const cai = await h.world.resident('Cai', { building: 'b4' });
    const { r } = await reportAt(cai, [31.2305, 121.4738], '草坪上有垃圾');
    expect(r).toMatchObject({ spot_id: null, building_id: 'b4', responder_id: null });
    const card = h.cardOf(r.id);
    expect(card.text).toMatch(/梅园新村4号楼附近/);
    expect(qian.last()!.text ?? '').not.toMatch(new RegExp(`R-${r.id + 1000}`));
    const press = await qian.pressData(staffButton.pack({ action: 'acknowledge', id: r.id }), { in: h.group, messageId: card.message_id });
    expect(press.answer?.text).toMatch(/only staff of this community/);
    expect(await listsReport(qian, r.id)).toBe(false);
    expect((await h.latest()).status).toBe('new');
  });

  it('staff choose the frontage anew: a building and another spot', async () => {
    await h.lin.send('/units');
    await h.lin.press('✏️ Frontage · South Gate Bus Company');
    await h.lin.press('Meiyuan Xincun Building 6');
    await h.lin.press('📍 North gate square');
    await h.lin.press('✅ Done');
    expect(h.lin.last()!.text).toMatch(/frontage is now Meiyuan Xincun Building 6, 📍 North gate square/);
    expect(await h.world.db.selectFrom('unit_spots').select('spot_id').where('unit_id', '=', unitId).execute()).toEqual([
      { spot_id: 'north_square' },
    ]);
    expect(await h.world.db.selectFrom('unit_frontage').select('building_id').where('unit_id', '=', unitId).execute()).toEqual([
      { building_id: 'b6' },
    ]);
  });
});
