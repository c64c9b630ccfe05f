import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { createUnit, setFrontage, unitsOf } from '../src/domain/units';
import { migrateToLatest, openDatabase } from '../src/store/db';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { acceptInvite, gridSection, listsReport, routeNotes } from './helpers/grid';
import { hazardSuite, reportAtLocation } from './helpers/hazards';
import { dropFreshDatabases, freshPostgres, PG_URL } from './helpers/postgres';

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

  const reportAt = (who: EmulatedUser, place: readonly [number, number], text: string) =>
    reportAtLocation(h.world, who, '垃圾堆放', text, place);

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

  it('two staff saving the same frontage at once: neither meets an error, and one choice stands whole', async () => {
    const mo = await h.world.staff('Mo');
    const choose = async (who: EmulatedUser, places: string[]) => {
      await who.send('/units');
      await who.press('✏️ Frontage · South Gate Bus Company');
      for (const p of places) await who.press(p);
    };
    await choose(h.lin, ['Meiyuan Xincun Building 6', '📍 South gate bus stop']);
    await choose(mo, ['Meiyuan Xincun Building 6', 'Meiyuan Xincun Building 5']);
    await h.world.emu.together(async () => {
      await h.lin.press('✅ Done');
      await mo.press('✅ Done');
    });
    for (const who of [h.lin, mo]) expect(who.last()!.text).toMatch(/frontage is now Meiyuan Xincun Building 6, /);
    const buildings = await h.world.db.selectFrom('unit_frontage').select('building_id').where('unit_id', '=', unitId).execute();
    const spots = await h.world.db.selectFrom('unit_spots').select('spot_id').where('unit_id', '=', unitId).execute();
    const stands = { buildings: buildings.map((b) => b.building_id).sort(), spots: spots.map((s) => s.spot_id) };
    expect([
      { buildings: ['b6'], spots: ['south_bus'] },
      { buildings: ['b5', 'b6'], spots: [] },
    ]).toContainEqual(stands);
  });
});

/**
 * A frontage is saved whole or not at all. These call the domain directly: two presses through the
 * emulator reach setFrontage a moment apart, while two calls at once make SQLite's one connection
 * take their statements in turn, exactly the interleaving two staff can meet on a busy server.
 */
describe('partner units: a frontage saved whole', () => {
  const h = hazardSuite();
  let unitId: number;
  const frontageOf = async (id: number) => ({
    buildings: (await h.world.db.selectFrom('unit_frontage').select('building_id').where('unit_id', '=', id).execute())
      .map((b) => b.building_id)
      .sort(),
    spots: (await h.world.db.selectFrom('unit_spots').select('spot_id').where('unit_id', '=', id).execute()).map((s) => s.spot_id),
  });
  beforeAll(async () => {
    unitId = await createUnit(h.world.db, h.world.clock.now(), {
      communityId: 'meiyuan',
      name: 'Meiyuan Bank',
      buildingIds: ['b1'],
      spotIds: ['north_square'],
      by: h.lin.id,
    });
  });

  it('two staff saving the same frontage at the same moment: both succeed, and one of the two choices stands whole', async () => {
    const now = h.world.clock.now();
    await Promise.all([
      setFrontage(h.world.db, now, unitId, { buildingIds: ['b6'], spotIds: ['south_bus'] }, h.lin.id),
      setFrontage(h.world.db, now, unitId, { buildingIds: ['b6', 'b5'], spotIds: [] }, h.lin.id),
    ]);
    expect([
      { buildings: ['b6'], spots: ['south_bus'] },
      { buildings: ['b5', 'b6'], spots: [] },
    ]).toContainEqual(await frontageOf(unitId));
  });

  it('a save or a registration failing part-way changes nothing: the old frontage stands, no half-made unit', async () => {
    // A fault on the last insert, standing in for a crash after the deletes.
    await sql`CREATE TRIGGER spot_fault BEFORE INSERT ON unit_spots WHEN NEW.spot_id = 'fault' BEGIN SELECT RAISE(ABORT, 'fault'); END`.execute(
      h.world.db,
    );
    const before = await frontageOf(unitId);
    const now = h.world.clock.now();
    await expect(setFrontage(h.world.db, now, unitId, { buildingIds: ['b2'], spotIds: ['fault'] }, h.lin.id)).rejects.toThrow(/fault/);
    expect(await frontageOf(unitId)).toEqual(before);
    const units = await h.world.db.selectFrom('partner_units').select('id').execute();
    await expect(
      createUnit(h.world.db, now, { communityId: 'meiyuan', name: 'Half Bank', buildingIds: ['b3'], spotIds: ['fault'], by: h.lin.id }),
    ).rejects.toThrow(/fault/);
    expect(await h.world.db.selectFrom('partner_units').select('id').execute()).toEqual(units);
    expect(await h.world.db.selectFrom('unit_frontage').select('unit_id').where('building_id', '=', 'b3').execute()).toEqual([]);
    await sql`DROP TRIGGER spot_fault`.execute(h.world.db);
  });
});

/** On PostgreSQL two transactions run truly side by side: the unit's row lock makes the second wait for the first. */
describe.skipIf(!PG_URL)('partner units: saving a frontage at once on PostgreSQL', () => {
  afterAll(dropFreshDatabases);

  it('three staff saving the same frontage at once, twenty times over: no error, one of the choices stands whole', async () => {
    const db = openDatabase({ kind: 'postgres', url: await freshPostgres() });
    try {
      await migrateToLatest(db);
      const id = await createUnit(db, 1, { communityId: 'meiyuan', name: 'Bank', buildingIds: ['b1'], spotIds: ['north_square'], by: 1 });
      const choices = [
        { buildingIds: ['b6'], spotIds: ['south_bus'] },
        { buildingIds: ['b6', 'b5'], spotIds: [] },
        { buildingIds: ['b6', 'b5', 'b4'], spotIds: ['south_bus'] },
      ];
      for (let i = 0; i < 20; i++) await Promise.all(choices.map((f, by) => setFrontage(db, 2, id, f, by)));
      const [unit] = await unitsOf(db, 'meiyuan');
      expect(choices.map((f) => ({ buildings: [...f.buildingIds].sort(), spots: f.spotIds }))).toContainEqual({
        buildings: [...unit.buildings].sort(),
        spots: unit.spots,
      });
    } finally {
      await db.destroy();
    }
  });
});
