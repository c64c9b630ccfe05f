import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import type { EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { startWorld, type World } from './helpers/world';
import { approvalCard, approveRequest, expectNothingPrivateInGroups, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/** Stories of help requests: asking, staff approval, the group card, the claim, private details, hours and the rating. */

describe('help requests', () => {
  let world: World;
  let hood: Neighbourhood;
  let li: EmulatedUser;
  /** Names, phones and units of everyone who asked for help: never in a group. */
  const secrets: string[] = [];

  const cardsIn = (group: EmulatedGroup) => group.messages().filter((m) => m.text?.startsWith('🙋'));
  /** The request number in the newest message of someone's chat. */
  const requestIdOf = (u: EmulatedUser) => Number(/#(\d+)/.exec(u.last()!.text!)![1]);

  /** A resident (Chinese) asks for shopping help as soon as possible; returns the request number they are told. */
  const askForShopping = async (
    name: string,
    unit: string,
    opts: { locale?: string } = {},
  ): Promise<{ resident: EmulatedUser; requestId: number }> => {
    const r = await world.resident(name, { unit, locale: opts.locale });
    secrets.push(name, unit);
    await r.send('/request');
    await r.press(/我本人|^Me$/);
    await r.press(/代购代买|Errands and shopping/);
    await r.send(opts.locale === 'en' ? 'Some rice and cooking oil, please' : '帮忙买些米和油');
    await r.press(/越快越好|As soon as possible/);
    await r.press(/我家|My home/);
    await r.press(/跳过|Skip/);
    await r.press(/提交求助|Send the request/);
    await world.flush();
    return { resident: r, requestId: requestIdOf(r) };
  };

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
    expect(ana.last()!.text).toMatch(/求助 #\d+ 已发送。居委会工作人员看过后，会转给为老服务队/);
    const requestId = Number(/#(\d+)/.exec(ana.last()!.text!)![1]);
    await world.flush();
    expect(cardsIn(hood.teams.elder)).toEqual([]); // not before staff approve it

    // Staff see it in the committee group: what and where roughly, never who or which flat.
    const ask = await approvalCard(world, hood.staff, requestId, hood.committee);
    expect(ask.text).toContain('代购代买');
    expect(ask.text).toContain('梅园新村1号楼');
    expect(ask.text).toContain('帮我买一袋米和两盒牛奶');
    expect(ask.text).toContain('是否同意并转给为老服务队');
    expect(ask.buttons()).toEqual(['✅ 同意', '✖️ 不同意', '🔎 查看详情（私聊）']);
    // The details button brings the name, unit and phone to the staff member's private chat.
    const details = await hood.staff.press('🔎 查看详情（私聊）', { in: hood.committee, messageId: ask.message_id });
    expect(details.answer?.text).toMatch(/private chat/);
    await world.flush();
    const privateCopy = hood.staff.last()!;
    expect(privateCopy.text).toMatch(/Anna Zhou, 13812345678/);
    expect(privateCopy.text).toContain('3-302');
    expect(privateCopy.buttons()).toEqual(['✅ Approve', '✖️ Decline']);

    const approved = await approveRequest(world, hood.staff, requestId, hood.committee);
    expect(approved.answer?.text).toBe('Approved: sent to the Elder care team.');
    expect(ana.last()!.text).toMatch(new RegExp(`好消息：您的求助 #${requestId}（代购代买）已通过审核，已转给为老服务队`));
    const decided = hood.committee.messages().find((m) => m.message_id === ask.message_id)!;
    expect(decided.text).toContain('✅ Wang 已同意，已转给为老服务队。');
    expect(decided.buttons()).toEqual([]);
    // The private copy says so too, and can no longer be pressed.
    const copy = hood.staff.inbox().find((m) => m.message_id === privateCopy.message_id)!;
    expect(copy.text).toContain('Approved by Wang');
    expect(copy.buttons()).toEqual([]);

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
    const toLi = li.last()!;
    expect(toLi.text).toContain('3-302');
    expect(toLi.text).toContain('Anna Zhou');
    expect(toLi.text).toContain('13812345678');
    expect(toLi.buttons()).toEqual(['▶️ Start', '✅ Done', '↩️ Release', "📵 Can't reach them"]);

    // Someone who is not on the team (here: staff) is politely refused.
    const outsider = await hood.staff.pressData(`pc|${taskId}`, { in: hood.teams.elder });
    expect(outsider.answer).toMatchObject({ text: expect.stringMatching(/Only approved members/), show_alert: true });

    await li.press('▶️ Start');
    world.clock.advance(90 * MINUTE);
    await li.press('✅ Done');
    await li.send('Bought rice and milk, delivered to the door.');
    await li.press('Skip');
    expect(li.last()!.text).toContain('1 hour 30 minutes');
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
    expect(li.last()!.text).toMatch(/1 hour 30 minutes \(1 time\)/);
  });

  it('twenty volunteers press Claim at the same moment: exactly one wins', async () => {
    const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => world.resident(`V${i}`, { locale: 'en' })));
    // Given twenty approved members of the repair team (signed up the way /volunteer does).
    const { signUp, decideMember } = await import('../src/domain/volunteers');
    for (const v of crowd) {
      const [m] = await signUp(
        world.db,
        world.clock.now(),
        { userId: v.id, communityId: 'meiyuan', teams: ['repair'], agreedToBeNamed: true },
        async () => undefined,
      );
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
    await approveRequest(world, hood.staff, requestIdOf(bo), hood.committee);
    const card = hood.teams.repair.last()!;
    expect(card.text).toContain('⚡');

    const presses = await Promise.all(crowd.map((v) => v.press('✋ 我来认领', { in: hood.teams.repair, messageId: card.message_id })));
    const winners = presses.filter((p) => /It's yours/.test(p.answer?.text ?? ''));
    const losers = presses.filter((p) => /Already taken by V\d+/.test(p.answer?.text ?? ''));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    const taskId = Number(/#(\d+)/.exec(card.text!)![1]);
    const claims = await world.db
      .selectFrom('task_events')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('kind', '=', 'claimed')
      .execute();
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
    const kit = await import('../src/features/help/buttons');
    const big = 999_999_999_999_999;
    for (const pack of [
      () => kit.claimButton.pack({ task: big }),
      () => kit.taskButton.pack({ task: big, act: 'k' }),
      () => kit.rateButton.pack({ task: big, score: 5 }),
      () => kit.memberButton.pack({ member: big, yes: 1 }),
      () => kit.hoursButton.pack({ hours: big, yes: 1 }),
      () => kit.staffTaskButton.pack({ task: big, act: 'p' }),
      () => kit.myRequestButton.pack({ request: big, act: 'n' }),
      () => kit.approvalButton.pack({ request: big, act: 'y' }),
      () => kit.declineButton.pack({ request: big, reason: 'staff_contact' }),
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
    expect(cy.last()!.text).toMatch(/Request #\d+ has been sent\. Staff at the neighbourhood committee will look at it first/);
    await approveRequest(world, hood.staff, requestIdOf(cy), hood.committee);
    expect(cy.last()!.text).toMatch(/has been approved and passed to the Party-member service team/);

    await hood.staff.send('/requestfor');
    await hood.staff.send('Old Mr Zhao');
    await hood.staff.press('Dispute mediation');
    await hood.staff.send('A quarrel with the upstairs neighbour about water leaking.');
    await hood.staff.press('⚡ As soon as possible');
    await hood.staff.press('Meiyuan Xincun Building 2');
    await hood.staff.send('2-202');
    await hood.staff.send('13700000002');
    await hood.staff.press('✅ Send the request');
    // Staff filed it, so it needs no approval: it goes to the team at once.
    expect(hood.staff.last()!.text).toMatch(/Request #\d+ has been sent to the Party-member service team/);
    const staffFiled = requestIdOf(hood.staff);
    await world.flush();
    await expect(approvalCard(world, hood.staff, staffFiled, hood.committee)).rejects.toThrow(/no approval card/);

    const cards = hood.teams.party.messages().filter((m) => m.text?.startsWith('🙋'));
    // Mediation is never a public card (test/help-steps.test.ts): with no lead or member in the team, staff arrange it.
    expect(cards.map((m) => m.text)).toEqual([expect.stringContaining('陪同就医')]);
    expect(hood.staff.inbox().some((m) => m.text?.includes('is handled privately, but the Party-member service team has no lead'))).toBe(
      true,
    );
    expect(cards[0].text).toContain('梅园新村5号楼');
    const rows = await world.db
      .selectFrom('help_requests')
      .selectAll()
      .where('on_behalf_name', 'in', ['Grandma Xu', 'Old Mr Zhao'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.requester_id, r.on_behalf_phone, r.address, r.status, r.decided_by])).toEqual([
      [cy.id, '13600000001', '5-501', 'active', hood.staff.id],
      [hood.staff.id, '13700000002', '2-202', 'active', hood.staff.id],
    ]);
  });

  it('staff decline with a kind reason, picked from a list or written in private; the requester hears it in their language', async () => {
    // A preset reason, from the committee group's card.
    const { resident: ed, requestId: first } = await askForShopping('Ed Xu', '4-401', { locale: 'en' });
    const ask = await approvalCard(world, hood.staff, first, hood.committee);
    await hood.staff.press('✖️ 不同意', { in: hood.committee, messageId: ask.message_id });
    expect(
      hood.committee
        .messages()
        .find((m) => m.message_id === ask.message_id)!
        .buttons(),
    ).toEqual(['🚫 不在服务范围', '🔁 重复求助', '📞 由工作人员联系', '✍️ 自己写原因', '⬅️ 上一步']);
    await hood.staff.press('⬅️ 上一步', { in: hood.committee, messageId: ask.message_id }); // changed their mind, then again
    await hood.staff.press('✖️ 不同意', { in: hood.committee, messageId: ask.message_id });
    const declined = await hood.staff.press('📞 由工作人员联系', { in: hood.committee, messageId: ask.message_id });
    expect(declined.answer?.text).toMatch(/Declined/);
    const card = hood.committee.messages().find((m) => m.message_id === ask.message_id)!;
    expect(card.text).toContain('✖️ Wang 未同意：居委会工作人员会直接和您联系。');
    expect(card.buttons()).toEqual([]);
    await world.flush();
    expect(ed.last()!.text).toBe(
      `We are sorry: your request #${first} (Errands and shopping) cannot be passed on to the volunteers this time.\nReason: The committee staff will contact you about it directly.\nIf you still need help, please call the neighbourhood committee.`,
    );
    await ed.send('/myrequests');
    expect(ed.last()!.text).toMatch(/could not be arranged\n.*\nReason: The committee staff will contact you about it directly\./);
    expect(ed.last()!.buttons()).toEqual([]);

    // Their own words: pressed in the group, written in the private chat.
    const { resident: fay, requestId: second } = await askForShopping('Fay Wu', '4-402');
    const ask2 = await approvalCard(world, hood.staff, second, hood.committee);
    await hood.staff.press('✖️ 不同意', { in: hood.committee, messageId: ask2.message_id });
    const write = await hood.staff.press('✍️ 自己写原因', { in: hood.committee, messageId: ask2.message_id });
    expect(write.answer).toMatchObject({ text: 'Please continue in your private chat with the bot.', show_alert: true });
    await world.flush();
    expect(hood.staff.last()!.text).toBe(`Request #${second}: tap below to write the reason for declining.`);
    await hood.staff.press('✍️ Write a reason');
    expect(hood.staff.last()!.text).toMatch(new RegExp(`reason for declining request #${second}`));
    await hood.staff.send('The <Kangjian> pharmacy delivers for free: please call 8888-1234.');
    expect(hood.staff.last()!.text).toMatch(/Declined/);
    await world.flush();
    expect(fay.last()!.text).toContain('很抱歉，您的求助');
    expect(fay.last()!.text).toContain('原因：The <Kangjian> pharmacy delivers for free');
    const card2 = hood.committee.messages().find((m) => m.message_id === ask2.message_id)!;
    expect(card2.text).toContain('Wang 未同意：The <Kangjian> pharmacy');
    expect(card2.buttons()).toEqual([]);

    const rows = await world.db.selectFrom('help_requests').selectAll().where('id', 'in', [first, second]).orderBy('id').execute();
    expect(rows.map((r) => [r.status, r.decline_reason, r.decided_by])).toEqual([
      ['declined', 'staff_contact', hood.staff.id],
      ['declined', 'The <Kangjian> pharmacy delivers for free: please call 8888-1234.', hood.staff.id],
    ]);
    expect(await world.db.selectFrom('tasks').select('id').where('request_id', 'in', [first, second]).execute()).toEqual([]);
    // A late press on the decided card is answered, and changes nothing.
    const late = await hood.staff.pressData(`pa|${first}|y`, { in: hood.committee, messageId: ask.message_id });
    expect(late.answer?.text).toBe('Already declined by Wang.');
  });

  it('two staff pressing at once give one outcome; the second hears who was first', async () => {
    const zhao = await world.staff('Zhao');
    hood.committee.add(zhao);

    // Both press Approve on the same card.
    const { resident: gu, requestId } = await askForShopping('Gu Lan', '4-403');
    const ask = await approvalCard(world, hood.staff, requestId, hood.committee);
    const presses = await Promise.all([hood.staff, zhao].map((s) => s.press('✅ 同意', { in: hood.committee, messageId: ask.message_id })));
    const answers = presses.map((p) => p.answer?.text ?? '');
    expect(answers.filter((a) => a === 'Approved: sent to the Elder care team.')).toHaveLength(1);
    expect(answers.filter((a) => /^Already approved by (Wang|Zhao)\. Thank you!$/.test(a))).toHaveLength(1);
    await world.flush();
    const tasks = await world.db.selectFrom('tasks').select('id').where('request_id', '=', requestId).execute();
    expect(tasks).toHaveLength(1);
    expect(cardsIn(hood.teams.elder).filter((m) => m.text!.includes(`#${tasks[0]!.id}`))).toHaveLength(1);
    expect(gu.inbox().filter((m) => m.text?.includes('已通过审核'))).toHaveLength(1);

    // One approves while the other declines.
    const { resident: he, requestId: next } = await askForShopping('He Ping', '4-404');
    const ask2 = await approvalCard(world, hood.staff, next, hood.committee);
    const [yes, no] = await Promise.all([
      hood.staff.press('✅ 同意', { in: hood.committee, messageId: ask2.message_id }),
      zhao.pressData(`pd|${next}|not_offered`, { in: hood.committee, messageId: ask2.message_id }),
    ]);
    const won = [yes, no].filter((p) => /^(Approved|Declined)/.test(p.answer?.text ?? ''));
    const lost = [yes, no].filter((p) => /^Already (approved|declined) by (Wang|Zhao)/.test(p.answer?.text ?? ''));
    expect([won.length, lost.length]).toEqual([1, 1]);
    await world.flush();
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', next).executeTakeFirstOrThrow();
    const made = await world.db.selectFrom('tasks').select('id').where('request_id', '=', next).execute();
    expect(made).toHaveLength(row.status === 'active' ? 1 : 0);
    expect(he.inbox().filter((m) => /已通过审核|很抱歉/.test(m.text ?? ''))).toHaveLength(1);
    const decisions = await world.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', 'in', [`help:${requestId}`, `help:${next}`])
      .where('action', 'in', ['help.approve', 'help.decline'])
      .execute();
    expect(decisions).toHaveLength(2);
  });

  it('a resident cancels while the request waits for approval; the staff card says so', async () => {
    const { resident: iris, requestId } = await askForShopping('Iris Ma', '4-405');
    const ask = await approvalCard(world, hood.staff, requestId, hood.committee);
    await iris.send('/myrequests');
    expect(iris.last()!.text).toContain('等待居委会审核');
    expect(iris.last()!.buttons()).toEqual(['📝 补充说明', '✖️ 取消']);
    await iris.press('✖️ 取消');
    expect(iris.last()!.text).toContain(`求助 #${requestId} 已取消`);
    await world.flush();
    const card = hood.committee.messages().find((m) => m.message_id === ask.message_id)!;
    expect(card.text).toContain('✖️ 求助人已取消。');
    expect(card.buttons()).toEqual([]);
    const late = await hood.staff.pressData(`pa|${requestId}|y`, { in: hood.committee, messageId: ask.message_id });
    expect(late.answer?.text).toBe('The requester has already cancelled it.');
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    expect(await world.db.selectFrom('tasks').select('id').where('request_id', '=', requestId).execute()).toEqual([]);
  });

  it('a request whose time has passed is not sent to the team: staff are asked to agree a new time first', async () => {
    const { requestId } = await askForShopping('Ivy Lu', '4-407');
    const ask = await approvalCard(world, hood.staff, requestId, hood.committee);
    // The resident asked for this morning; staff only look at it in the afternoon.
    const now = world.clock.now();
    await world.db
      .updateTable('help_requests')
      .set({ window_start: now - 4 * HOUR, window_end: now - HOUR })
      .where('id', '=', requestId)
      .execute();
    const press = await hood.staff.press('✅ 同意', { in: hood.committee, messageId: ask.message_id });
    expect(press.answer?.text).toContain('The time asked for has already passed');
    expect(press.answer?.show_alert).toBe(true);
    await world.flush();
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(await world.db.selectFrom('tasks').select('id').where('request_id', '=', requestId).execute()).toEqual([]);
    expect(
      hood.committee
        .messages()
        .find((m) => m.message_id === ask.message_id)!
        .buttons(),
    ).toContain('✖️ 不同意');
  });

  it('a request left waiting is brought back to staff once, and either card approves it', async () => {
    const runApprovals = async () => {
      const job = world.app.scheduler.jobs.find((j) => j.name === 'help.approvals')!;
      expect(await world.app.scheduler.run(job)).toBe(true);
      await world.flush();
    };
    const { resident: jin, requestId } = await askForShopping('Jin Bo', '4-406');
    const first = await approvalCard(world, hood.staff, requestId, hood.committee);
    world.clock.advance(30 * MINUTE);
    await runApprovals();
    expect(hood.committee.last()!.message_id).toBe(first.message_id); // urgent, but not an hour yet

    world.clock.advance(31 * MINUTE);
    await runApprovals();
    const reminder = hood.committee.last()!;
    expect(reminder.text).toMatch(new RegExp(`^⏰ 已等待审核 1 小时：\n\n📝 求助 #${requestId}`));
    expect(reminder.buttons()).toEqual(['✅ 同意', '✖️ 不同意', '🔎 查看详情（私聊）']);
    world.clock.advance(HOUR);
    await runApprovals();
    expect(hood.committee.last()!.message_id).toBe(reminder.message_id); // once

    await hood.staff.press('✅ 同意', { in: hood.committee, messageId: reminder.message_id });
    await world.flush();
    for (const id of [first.message_id, reminder.message_id]) {
      expect(
        hood.committee
          .messages()
          .find((m) => m.message_id === id)!
          .buttons(),
      ).toEqual([]);
    }
    expect(jin.last()!.text).toContain('已通过审核');
  });

  it('with no committee group linked, staff decide in private, where the details are shown', async () => {
    const gui = await world.staff('Gui', { community: 'guihua' });
    const kai = await world.resident('Kai Song', { community: 'guihua', building: 'b8', unit: '8-808', locale: 'zh-TW' });
    secrets.push('Kai Song', '8-808');
    await kai.send('/request');
    await kai.press('我本人');
    await kai.press('代購代買');
    await kai.send('請幫忙買兩斤雞蛋');
    await kai.press(/越快越好/);
    await kai.press(/我家/);
    await kai.send('13511112222');
    await kai.press('✅ 提交求助');
    expect(kai.last()!.text).toMatch(/求助 #\d+ 已發送。居委會工作人員看過後/);
    const requestId = requestIdOf(kai);
    secrets.push('13511112222');

    const ask = await approvalCard(world, gui, requestId);
    expect(ask.text).toContain('Errands and shopping');
    expect(ask.text).toContain('Contact: Kai Song, 13511112222');
    expect(ask.text).toContain('8-808');
    expect(ask.buttons()).toEqual(['✅ Approve', '✖️ Decline']);
    // Staff of another community may not decide it.
    const other = await hood.staff.pressData(`pa|${requestId}|y`);
    expect(other.answer).toMatchObject({ text: 'Sorry, you are not allowed to do that.', show_alert: true });

    await approveRequest(world, gui, requestId);
    expect(kai.last()!.text).toMatch(/好消息：您的求助 #\d+（代購代買）已通過審核/);
    expect(gui.inbox().find((m) => m.message_id === ask.message_id)!.text).toContain('Approved by Gui');
    // No team group either: staff arrange it themselves, as before approval existed.
    expect(gui.last()!.text).toMatch(new RegExp(`Request #${requestId} \\(Errands and shopping\\) has no group to go to`));
  });

  it('bad input in the request flow is answered politely and changes nothing', async () => {
    const di = await world.resident('Di', { locale: 'en' });
    await di.send('/request');
    await di.sendSticker();
    expect(di.last()!.text).toMatch(/tap one of the buttons/);
    await di.press('Me');
    await di.press('Other');
    await di.send('x'.repeat(5000));
    expect(di.last()!.text).toMatch(/at most 1,000 characters/);
    await di.pressData('pc|999999', {});
    await di.send('/cancel');
    const rows = await world.db.selectFrom('help_requests').selectAll().where('requester_id', '=', di.id).execute();
    expect(rows).toEqual([]);
  });
});
