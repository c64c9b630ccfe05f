import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import { gridInviteButton } from '../src/features/grid/buttons';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { hazardSuite } from './helpers/hazards';
import { waitingApprovals } from './helpers/simulation';
import { acceptInvite, gridSection, historyOnR, listsReport, routeNotes } from './helpers/grid';

/**
 * Who handles what (issue 18): a building's grid worker gets its reports first, privately; the
 * committee group after gridAckMinutes unacknowledged; the escalation ladder for overdue reports
 * (grid worker → group → community head → admins); partner units and their frontage.
 */

describe('grid workers and the escalation ladder', () => {
  const h = hazardSuite();
  let wu: EmulatedUser;

  const events = (id: number) => routeNotes(h.world, id);

  it('a grid worker is made by invitation from /grid', async () => {
    await h.lin.send('/grid');
    expect(h.lin.last()!.text).toMatch(/Grid of Meiyuan Community/);
    await h.lin.press(/Grid worker · Meiyuan Xincun Building 1$/);
    wu = await acceptInvite(h.world, 'Wu', h.lin.last()!.text!);
    await wu.waitFor(/You are now a grid worker/);
    const row = await h.world.db.selectFrom('grid_roles').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ community_id: 'meiyuan', building_id: 'b1', kind: 'worker', user_id: wu.id });
    // Wu stays a resident: being a grid worker is a duty, not a role.
    expect((await h.world.db.selectFrom('users').select('role').where('id', '=', wu.id).executeTakeFirstOrThrow()).role).toBe('resident');
    await h.lin.send('/grid');
    expect(h.lin.last()!.text).toMatch(/Grid worker: Wu/);
  });

  it('a report of the building goes to its grid worker first and to the group only when unacknowledged in time', async () => {
    const ann = await h.world.resident('Ann');
    const r = await h.reportAtHome(ann, '楼道堆物', '楼道里堆了很多纸箱');
    expect(wu.last()!.text).toMatch(new RegExp(`New report R-${r.id + 1000} in your building`));
    expect(wu.last()!.buttons()).toContain('👀 Acknowledge');
    expect(h.cardOf(r.id)).toBeUndefined();

    // A job run before the time does nothing; after gridAckMinutes the group has the card.
    h.world.clock.advance(29 * MINUTE);
    await h.job('grid.fallback');
    await h.world.flush();
    expect(h.cardOf(r.id)).toBeUndefined();
    h.world.clock.advance(2 * MINUTE);
    await h.job('grid.fallback');
    await h.job('grid.fallback');
    await h.world.flush();
    expect(h.group.messages().filter((m) => (m.text ?? m.caption ?? '').includes(`R-${r.id + 1000}`))).toHaveLength(1);
    expect(wu.last()!.text).toMatch(/has gone to the committee group/);
    expect(await events(r.id)).toEqual([`grid:${wu.id}`, 'group:unacknowledged']);
  });

  it('acknowledged by the grid worker in time, it never reaches the group; they see it in /reports', async () => {
    const bea = await h.world.resident('Bea');
    const r = await h.reportAtHome(bea, '楼道堆物', '二楼堆了旧家具');
    await wu.press('👀 Acknowledge');
    expect((await h.latest()).status).toBe('acknowledged');
    h.world.clock.advance(HOUR);
    await h.job('grid.fallback');
    await h.world.flush();
    expect(h.cardOf(r.id)).toBeUndefined();
    expect(bea.last()!.text).toMatch(/受理/);

    expect(await listsReport(wu, r.id)).toBe(true);
    // A report of another building is not theirs: not listed, and its buttons refuse them.
    const cy = await h.world.resident('Cy', { building: 'b3' });
    const other = await h.reportAtHome(cy, '楼道堆物', '三楼楼道堆物');
    expect(await listsReport(wu, other.id)).toBe(false);
    const card = h.cardOf(other.id);
    const press = await wu.pressData(staffButton.pack({ action: 'acknowledge', id: other.id }), {
      in: h.group,
      messageId: card.message_id,
    });
    expect(press.answer?.text).toMatch(/only staff of this community|只有本社区的工作人员/);
    expect((await h.world.db.selectFrom('reports').select('status').where('id', '=', other.id).executeTakeFirstOrThrow()).status).toBe(
      'new',
    );
  });

  it('the summary shows the grid figures: reports, acknowledged in time, fixed in time; and hand-ups', async () => {
    const section = { text: await gridSection(h.lin) };
    // This week so far: two reports of building 1 (one acknowledged in time by Wu), one of building 3 (no grid worker).
    expect(section.text).toMatch(/🗺 Wu: 2 reports, 1 acknowledged in time, 0 fixed in time/);
    expect(section.text).toMatch(/Handed up: 0 this week; 0 settled \(0 in time\); 0 still awaiting an answer/);
  });

  it('an overdue report climbs the ladder, one rung each further SLA period, recorded on the card and in the history', async () => {
    // The admin names Lin the community head.
    const admin = h.world.admin();
    await admin.send('/grid');
    await admin.press('☆ Community head: Lin');
    expect(
      (await h.world.db.selectFrom('users').select('community_head').where('id', '=', h.lin.id).executeTakeFirstOrThrow()).community_head,
    ).toBe(1);

    const dan = await h.world.resident('Dan');
    const r = await h.reportAtHome(dan, '楼道堆物', '一楼门口堆满杂物');
    // Stairwell clutter: acknowledged within 24 h. The grid worker's 30 minutes pass first (the group gets the card).
    h.world.clock.advance(HOUR);
    await h.job('grid.fallback');
    const rungs = async () => {
      await h.job('hazards.overdue');
      await h.world.flush();
      return (await h.latest()).ladder_step;
    };
    h.world.clock.advance(22 * HOUR);
    expect(await rungs()).toBe(0);
    h.world.clock.advance(2 * HOUR);
    expect(await rungs()).toBe(1);
    expect(wu.last()!.text).toMatch(new RegExp(`R-${r.id + 1000} .* has not been acknowledged within 24 hours`));
    // The same period again: no second rung.
    expect(await rungs()).toBe(1);
    h.world.clock.advance(24 * HOUR);
    expect(await rungs()).toBe(2);
    expect(h.group.last()!.text).toMatch(/已超过 24 小时未受理|has not been acknowledged within 24 hours|24 小时/);
    // Staff's /r tells each step in words, in their language.
    expect(await historyOnR(h.lin, r.id)).toContain('⏫ Sent to the committee group (not acknowledged in time)');
    h.world.clock.advance(24 * HOUR);
    expect(await rungs()).toBe(3);
    expect(h.lin.last()!.text).toMatch(/Escalated to you as community head/);
    h.world.clock.advance(24 * HOUR);
    expect(await rungs()).toBe(4);
    expect(admin.last()!.text).toMatch(/Escalated to the street office/);
    h.world.clock.advance(24 * HOUR);
    expect(await rungs()).toBe(4);
    expect(h.cardOf(r.id).text ?? h.cardOf(r.id).caption).toMatch(/已上报至：街道|Escalated to: street office/);
    expect((await events(r.id)).filter((n) => n?.startsWith('ladder:'))).toEqual([
      'ladder:ack:responder',
      'ladder:ack:group',
      'ladder:ack:head',
      'ladder:ack:admins',
    ]);
    const history = await historyOnR(h.lin, r.id);
    for (const line of [
      '🗺 Sent to its grid worker first',
      '⏰ Sent to the committee group (the grid worker or unit did not acknowledge it in time)',
      '⏫ Its grid worker or unit reminded (not acknowledged in time)',
      '⏫ Sent to the community head (not acknowledged in time)',
      '⏫ Sent to the street office (not acknowledged in time)',
    ])
      expect(history).toContain(line);
    expect(history).not.toMatch(/ladder:|grid:\d|route/);
    // The resident's own view of the report leaves the internal routing out.
    await dan.send('/myreports');
    await dan.press(new RegExp(`R-${r.id + 1000}`));
    expect(dan.last()!.text).toMatch(/处理记录/);
    expect(dan.last()!.text).not.toMatch(/⏫|网格员|居委会群/);
  });

  it('a help request of the building waits for its grid worker first, and for staff in the group once gridAckMinutes pass', async () => {
    const eve = await h.world.resident('Eve', { locale: 'en', unit: '1-101' });
    /** An errand for herself, as soon as possible, at home. */
    const askForErrand = async (text: string) => {
      await eve.send('/request');
      await eve.press('Me');
      await eve.press('Errands and shopping');
      await eve.send(text);
      await eve.press('⚡ As soon as possible');
      // The remaining questions, whichever are asked: the time of day, the building, where, a phone, the review.
      const answers: [RegExp, string | RegExp | undefined][] = [
        [/check your request/, '✅ Send the request'],
        [/What time of day/, undefined],
        [/Which building/, 'Meiyuan Xincun Building 1'],
        [/Where should/, /^My home/],
        [/phone/i, 'Skip'],
      ];
      for (let step = 0; step < 8; step++) {
        const prompt = eve.last()!;
        const [match, answer] = answers.find(([m]) => m.test(prompt.text ?? '')) ?? [];
        if (!match) throw new Error(`unexpected prompt: ${prompt.text}`);
        await (answer ? eve.press(answer) : eve.press(prompt.buttons()[0]!, { messageId: prompt.message_id }));
        if (answer === '✅ Send the request') break;
      }
      return { id: Number(/Request #(\d+)/.exec((await eve.waitFor(/Request #\d+ has been sent/)).text ?? '')![1]) };
    };
    const first = await askForErrand('Please fetch my medicine');
    await h.world.flush();
    const card = await wu.waitFor(new RegExp(`#${first.id}(?!\\d)`));
    expect(card.buttons()).toContain('✅ Approve');
    expect(waitingApprovals(h.group).some((m) => new RegExp(`#${first.id}(?!\\d)`).test(m.text ?? ''))).toBe(false);
    const press = await wu.press('✅ Approve', { messageId: card.message_id });
    expect(press.answer?.text).toMatch(/Approved/);
    const approved = await h.world.db.selectFrom('help_requests').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(approved).toMatchObject({ status: 'active', decided_by: wu.id });

    const second = await askForErrand('Please buy some rice');
    await h.world.flush();
    h.world.clock.advance(31 * MINUTE);
    await h.job('help.grid-fallback');
    await h.job('help.grid-fallback');
    await h.world.flush();
    expect(waitingApprovals(h.group).filter((m) => new RegExp(`#${second.id}(?!\\d)`).test(m.text ?? ''))).toHaveLength(1);
    // Posting it to the group decides nothing: it still waits for someone to approve it.
    const cards = await h.world.db.selectFrom('help_requests').select('status').where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(cards.status).toBe('pending');
  });
});

describe('the escalation ladder of a report not fixed in time', () => {
  const h = hazardSuite();

  it('a report acknowledged but not fixed in time climbs the fix ladder: its grid worker, then the committee group', async () => {
    await h.lin.send('/grid');
    await h.lin.press(/Grid worker · Meiyuan Xincun Building 1$/);
    const wu = await acceptInvite(h.world, 'Wu', h.lin.last()!.text!);
    await wu.waitFor(/You are now a grid worker/);
    const fay = await h.world.resident('Fay');
    const r = await h.reportAtHome(fay, '楼道堆物', '楼梯口停满了自行车');
    await wu.press('👀 Acknowledge', { messageId: wu.last()!.message_id });
    expect((await h.latest()).status).toBe('acknowledged');
    const climb = async () => {
      await h.job('hazards.overdue');
      await h.world.flush();
      return (await h.latest()).ladder_step;
    };
    // Stairwell clutter: fixed within 72 hours.
    h.world.clock.advance(71 * HOUR);
    expect(await climb()).toBe(0);
    h.world.clock.advance(2 * HOUR);
    expect(await climb()).toBe(1);
    const toWu = new RegExp(`R-${r.id + 1000} .* has not been fixed within 72 hours`);
    expect(wu.inbox().some((m) => toWu.test(m.text ?? m.caption ?? ''))).toBe(true);
    h.world.clock.advance(72 * HOUR);
    expect(await climb()).toBe(2);
    expect(h.group.messages().some((m) => (m.text ?? '').includes(`R-${r.id + 1000}`) && /72 小时/.test(m.text ?? ''))).toBe(true);
    expect((await routeNotes(h.world, r.id)).filter((n) => n.startsWith('ladder:'))).toEqual(['ladder:fix:responder', 'ladder:fix:group']);
    const history = await historyOnR(h.lin, r.id);
    expect(history).toContain('⏫ Its grid worker or unit reminded (not fixed in time)');
    expect(history).toContain('⏫ Sent to the committee group (not fixed in time)');
  });
});

describe('building heads', () => {
  const h = hazardSuite();
  let hu: EmulatedUser;
  const heard = (id: number) => hu.inbox().filter((m) => (m.text ?? '').includes(`R-${id + 1000}`));
  const invite = async (data: string, name: string, welcome: RegExp) => {
    await h.lin.send('/grid');
    await h.lin.pressData(data, { messageId: h.lin.last()!.message_id });
    const who = await acceptInvite(h.world, name, h.lin.last()!.text!);
    await who.waitFor(welcome);
    return who;
  };

  it('hear of every new report of their building and who has it: the committee, the staff paged, its grid worker, its unit', async () => {
    hu = await invite(gridInviteButton.pack({ kind: 'head', b: 'b2' }), 'Hu', /You are now a building head/);
    const ann = await h.world.resident('Ann', { building: 'b2' });

    // Nobody named for the building: the committee group has it.
    const first = await h.reportAtHome(ann, '楼道堆物', '二号楼楼道堆了纸箱');
    expect(heard(first.id).map((m) => m.text)).toEqual([
      `🏠 A report R-${first.id + 1000} (Stairwell clutter) was made in your building; the committee has it.`,
    ]);
    expect(h.cardOf(first.id)).toBeDefined();

    // An emergency: staff are paged at once.
    await ann.send('/report');
    await ann.press('🚨 燃气泄漏');
    await ann.press('我已知晓，继续上报');
    await ann.send('楼道里有煤气味');
    await ann.press('跳过');
    await ann.press(/就在我住的/);
    await ann.press('跳过');
    await ann.press('✅ 确认提交');
    await h.world.flush();
    const gas = await h.latest();
    expect(heard(gas.id).map((m) => m.text)).toEqual([
      `🏠 A report R-${gas.id + 1000} (Gas leak) was made in your building; it is an emergency: staff are being paged.`,
    ]);

    // With a grid worker: they have it first.
    const wu = await invite(gridInviteButton.pack({ kind: 'worker', b: 'b2' }), 'Wu', /You are now a grid worker/);
    const second = await h.reportAtHome(ann, '小广告', '二号楼门口贴了小广告');
    expect(wu.last()!.text).toMatch(new RegExp(`New report R-${second.id + 1000} in your building`));
    expect(heard(second.id).map((m) => m.text)).toEqual([
      `🏠 A report R-${second.id + 1000} (Flyers) was made in your building; its grid worker has it.`,
    ]);

    // In a partner unit's frontage: its contact has it.
    await h.lin.send('/units');
    await h.lin.press('➕ Register a unit');
    await h.lin.send('Meiyuan Bank');
    await h.lin.press('Meiyuan Xincun Building 2');
    await h.lin.press('✅ Done');
    const zhou = await acceptInvite(h.world, 'Zhou', h.lin.last()!.text ?? '');
    await zhou.waitFor(/your unit's contact/);
    const third = await h.reportAtHome(ann, '垃圾堆放', '二号楼门口堆了垃圾');
    expect(zhou.last()!.text).toMatch(new RegExp(`New report R-${third.id + 1000} in your unit's frontage`));
    expect(heard(third.id).map((m) => m.text)).toEqual([
      `🏠 A report R-${third.id + 1000} (Rubbish) was made in your building; the partner unit whose frontage it is has it.`,
    ]);
  });

  it('hear nothing of help requests or questions (residents’ own needs), and /mydata says they are a building head', async () => {
    const before = hu.inbox().length;
    const bo = await h.world.resident('Bo', { building: 'b2' });
    await bo.send('/ask');
    await bo.press('❓ 提问');
    await bo.press('证件与办事');
    await bo.send('居住证明在哪里开？');
    await h.world.flush();
    expect(hu.inbox().length).toBe(before);

    await hu.send('/mydata');
    expect(hu.last()!.text).toContain('Building head: meiyuan / b2');
  });
});
