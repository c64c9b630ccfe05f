import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import { staffButton } from '../src/features/hazards/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { hazardSuite } from './helpers/hazards';
import { waitingApprovals } from './helpers/simulation';
import { acceptInvite, gridSection, listsReport, routeNotes } from './helpers/grid';

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
