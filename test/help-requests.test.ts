import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { startWorld, type World } from './helpers/world';
import { expectNothingPrivateInGroups, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/** Stories of help requests: asking, the group card, the claim, private details, hours and the rating. */

describe('help requests', () => {
  let world: World;
  let hood: Neighbourhood;
  let li: EmulatedUser;
  /** Names, phones and units of everyone who asked for help: never in a group. */
  const secrets: string[] = [];

  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['elder', 'party', 'repair']);
    li = await volunteer(world, 'Li', 'Elder care team', { user: hood.staff, in: hood.committee });
  });
  afterAll(async () => {
    expectNothingPrivateInGroups(world, secrets);
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('a resident asks for shopping help; the group sees only type, building and time; a volunteer gets the rest privately', async () => {
    const ana = await world.resident('Anna Zhou', { unit: '3-302' });
    secrets.push('Anna Zhou', '3-302', '13812345678');
    await ana.send('/request');
    await ana.press('我本人');
    await ana.press('代购代买');
    await ana.send('帮我买一袋米和两盒牛奶');
    await ana.press('明天');
    await ana.press(/下午/);
    await ana.press(/我家：梅园新村1号楼 · 3-302/);
    await ana.send('13812345678');
    expect(ana.last()!.text).toContain('13812345678'); // the review shows everything to the requester
    await ana.press('✅ 提交求助');
    expect(ana.last()!.text).toMatch(/求助 #\d+ 已发送给为老服务队/);
    await world.flush();

    const card = hood.teams.elder.last()!;
    const taskId = Number(/#(\d+)/.exec(card.text!)![1]);
    expect(card.text).toContain('代购代买');
    expect(card.text).toContain('梅园新村1号楼');
    expect(card.text).toMatch(/13:00–17:00/);
    expect(card.buttons()).toEqual(['✋ 我来认领']);

    const press = await li.press('✋ 我来认领', { in: hood.teams.elder });
    expect(press.answer?.text).toMatch(/It's yours/);
    expect(hood.teams.elder.last()!.text).toContain('已由Li认领');
    expect(hood.teams.elder.last()!.buttons()).toEqual([]);
    await world.flush();
    const details = li.last()!;
    expect(details.text).toContain('3-302');
    expect(details.text).toContain('Anna Zhou');
    expect(details.text).toContain('13812345678');
    expect(details.buttons()).toEqual(['▶️ Start', '✅ Done', '↩️ Release', "📵 Can't reach them"]);

    // Someone who is not on the team (here: staff) is politely refused.
    const outsider = await hood.staff.pressData(`pc|${taskId}`, { in: hood.teams.elder });
    expect(outsider.answer).toMatchObject({ text: expect.stringMatching(/Only approved members/), show_alert: true });

    await li.press('▶️ Start');
    world.clock.advance(90 * MINUTE);
    await li.press('✅ Done');
    await li.send('Bought rice and milk, delivered to the door.');
    await li.press('Skip');
    expect(li.last()!.text).toContain('1 h 30 min');
    await li.press("👍 That's right");
    expect(li.last()!.text).toMatch(/hours have been counted/);
    await world.flush();

    const rateAsk = ana.last()!;
    expect(rateAsk.text).toContain('已完成');
    const rated = await ana.press('5⭐');
    expect(rated.answer?.text).toBe('5⭐');
    await ana.send('小李很细心，谢谢');
    expect(ana.last()!.text).toContain('感谢您的评价');

    const task = await world.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'done', claimed_by: li.id });
    const hours = await world.db.selectFrom('hours').selectAll().where('task_id', '=', taskId).executeTakeFirstOrThrow();
    expect(hours).toMatchObject({ minutes: 90, approved: 1, volunteer_id: li.id });
    const rating = await world.db.selectFrom('ratings').selectAll().where('task_id', '=', taskId).executeTakeFirstOrThrow();
    expect(rating).toMatchObject({ score: 5, comment: '小李很细心，谢谢' });
    expect(hood.teams.elder.last()!.text).toContain('已完成');

    await li.send('/hours');
    expect(li.last()!.text).toMatch(/1 h 30 min \(1 times\)/);
  });

  it('twenty volunteers press Claim at the same moment: exactly one wins', async () => {
    const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => world.resident(`V${i}`, { locale: 'en' })));
    // Given twenty approved members of the repair team (signed up the way /volunteer does).
    const { signUp, decideMember } = await import('../src/domain/volunteers');
    for (const v of crowd) {
      const [m] = await signUp(world.db, world.clock.now(), { userId: v.id, communityId: 'meiyuan', teams: ['repair'], agreedToBeNamed: true }, async () => undefined);
      await decideMember(world.db, world.clock.now(), m.id, true, hood.staff.id, async () => undefined);
    }
    const bo = await world.resident('Bo Chen', { unit: '1-101', building: 'b2' });
    secrets.push('Bo Chen', '1-101');
    await bo.send('/request');
    await bo.press('我本人');
    await bo.press('家电维修');
    await bo.send('洗衣机不转了');
    await bo.press('⚡ 越快越好');
    await bo.press(/我家/);
    await bo.press('跳过');
    await bo.press('✅ 提交求助');
    await world.flush();
    const card = hood.teams.repair.last()!;
    expect(card.text).toContain('⚡');

    const presses = await Promise.all(crowd.map((v) => v.press('✋ 我来认领', { in: hood.teams.repair, messageId: card.message_id })));
    const winners = presses.filter((p) => /It's yours/.test(p.answer?.text ?? ''));
    const losers = presses.filter((p) => /Already taken by V\d+/.test(p.answer?.text ?? ''));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    const taskId = Number(/#(\d+)/.exec(card.text!)![1]);
    const claims = await world.db.selectFrom('task_events').selectAll().where('task_id', '=', taskId).where('kind', '=', 'claimed').execute();
    expect(claims).toHaveLength(1);
    await world.flush();

    // The winner cannot reach Bo: the committee hears it, without Bo's name or unit.
    const winner = crowd[presses.findIndex((p) => /It's yours/.test(p.answer?.text ?? ''))];
    expect(winner.last()!.text).toContain('1-101');
    await winner.press("📵 Can't reach them");
    expect(winner.last()!.text).toMatch(/staff have been told/);
    await world.flush();
    expect(hood.committee.last()!.text).toMatch(new RegExp(`联系不上任务 #${taskId}`));
  });

  it('the task lifecycle is one table, and the longest button payloads fit in 64 bytes', async () => {
    const { allowedActions } = await import('../src/domain/help');
    expect(allowedActions('open', 'member')).toEqual(['claim']);
    expect(allowedActions('claimed', 'claimer')).toEqual(['start', 'done', 'release']);
    expect(allowedActions('started', 'claimer')).toEqual(['done', 'release']);
    expect(allowedActions('done', 'claimer')).toEqual([]);
    const kit = await import('../src/bot/features/help-kit');
    const big = 999_999_999_999_999;
    for (const pack of [
      () => kit.claimButton.pack({ task: big }),
      () => kit.taskButton.pack({ task: big, act: 'k' }),
      () => kit.rateButton.pack({ task: big, score: 5 }),
      () => kit.memberButton.pack({ member: big, yes: 1 }),
      () => kit.hoursButton.pack({ hours: big, yes: 1 }),
      () => kit.staffTaskButton.pack({ task: big, act: 'p' }),
      () => kit.myRequestButton.pack({ request: big, act: 'n' }),
      () => kit.joinShiftButton.pack({ shift: big }),
      () => kit.leaveShiftButton.pack({ shift: big }),
    ]) {
      expect(Buffer.byteLength(pack())).toBeLessThanOrEqual(64);
    }
  });

  it('a resident files for an elderly neighbour, and staff file for one who phoned in', async () => {
    const cy = await world.resident('Cy Lin', { locale: 'en' });
    secrets.push('Cy Lin', 'Grandma Xu', '5-501', '13600000001', 'Old Mr Zhao', '2-202', '13700000002');
    await cy.send('/request');
    await cy.press(/Someone else/);
    await cy.send('Grandma Xu');
    await cy.press('Escort to hospital');
    await cy.send('Needs someone to go with her to the eye clinic.');
    await cy.press('Tomorrow');
    await cy.press(/Morning/);
    await cy.press('Meiyuan Xincun Building 5');
    await cy.send('5-501');
    await cy.send('13600000001');
    expect(cy.last()!.text).toContain('For: Grandma Xu');
    await cy.press('✅ Send the request');
    expect(cy.last()!.text).toMatch(/Request #\d+ has been sent to the Party-member service team/);

    await hood.staff.send('/requestfor');
    await hood.staff.send('Old Mr Zhao');
    await hood.staff.press('Dispute mediation');
    await hood.staff.send('A quarrel with the upstairs neighbour about water leaking.');
    await hood.staff.press('⚡ As soon as possible');
    await hood.staff.press('Meiyuan Xincun Building 2');
    await hood.staff.send('2-202');
    await hood.staff.send('13700000002');
    await hood.staff.press('✅ Send the request');
    await world.flush();

    const cards = hood.teams.party.messages().filter((m) => m.text?.startsWith('🙋'));
    expect(cards.map((m) => m.text)).toEqual([expect.stringContaining('陪同就医'), expect.stringContaining('矛盾纠纷调解')]);
    expect(cards[0].text).toContain('梅园新村5号楼');
    const rows = await world.db.selectFrom('help_requests').selectAll().where('on_behalf_name', 'in', ['Grandma Xu', 'Old Mr Zhao']).orderBy('id').execute();
    expect(rows.map((r) => [r.requester_id, r.on_behalf_phone, r.address])).toEqual([
      [cy.id, '13600000001', '5-501'],
      [hood.staff.id, '13700000002', '2-202'],
    ]);
  });

  it('bad input in the request flow is answered politely and changes nothing', async () => {
    const di = await world.resident('Di', { locale: 'en' });
    await di.send('/request');
    await di.sendSticker();
    expect(di.last()!.text).toMatch(/tap one of the buttons/);
    await di.press('Me');
    await di.press('Other');
    await di.send('x'.repeat(5000));
    expect(di.last()!.text).toMatch(/at most 1000 characters/);
    await di.pressData('pc|999999', {});
    await di.send('/cancel');
    const rows = await world.db.selectFrom('help_requests').selectAll().where('requester_id', '=', di.id).execute();
    expect(rows).toEqual([]);
  });
});
