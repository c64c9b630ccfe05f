import { describe, expect, it } from 'vitest';
import { DAY } from '../src/clock';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { acceptInvite, gridSection, listsReport } from './helpers/grid';
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
