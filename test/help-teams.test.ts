import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { formatDay } from '../src/domain/help-time';
import type { EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { newUserId, startWorld, type World } from './helpers/world';
import { approveRequest, expectNothingPrivateInGroups, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/** Stories of volunteer teams: sign-up and approval, check-ins and releases, hours, recurring help, shifts, privacy. */

describe('volunteer teams', () => {
  let world: World;
  let hood: Neighbourhood;
  let lead: EmulatedUser;
  const secrets: string[] = [];

  const runJob = async (name: string) => {
    const job = world.app.scheduler.jobs.find((j) => j.name === name)!;
    expect(await world.app.scheduler.run(job)).toBe(true);
    await world.flush();
  };
  const cardsIn = (group: EmulatedGroup) => group.messages().filter((m) => m.text?.startsWith('🙋'));

  /** A resident asks for meal delivery as soon as possible (staff approve it unless told not to); returns the request number. */
  const askForMeals = async (
    name: string,
    unit: string,
    opts: { approve?: boolean } = {},
  ): Promise<{ resident: EmulatedUser; requestId: number }> => {
    const r = await world.resident(name, { unit });
    secrets.push(name, unit);
    await r.send('/request');
    await r.press('我本人');
    await r.press('配餐送餐');
    await r.send('腿脚不便，需要每天送午饭');
    await r.press('⚡ 越快越好');
    await r.press(/我家/);
    await r.press('跳过');
    await r.press('✅ 提交求助');
    const requestId = Number(/#(\d+)/.exec(r.last()!.text!)![1]);
    if (opts.approve !== false) await approveRequest(world, hood.staff, requestId, hood.committee);
    await world.flush();
    return { resident: r, requestId };
  };

  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['elder', 'patrol']);
    // Staff invite a lead for the elder care team; redeeming the link makes them its lead.
    await hood.staff.send('/invite');
    await hood.staff.press('Elder care team');
    const link = /start=(inv-[\w-]+)/.exec(hood.staff.last()!.text!)![1];
    lead = world.emu.user({ id: newUserId(), first_name: 'Lead Gao', language_code: 'en' });
    await lead.send(`/start ${link}`);
    await lead.press(/Building 1$/);
    await lead.press('Skip');
    await lead.press('✅ I agree');
  });
  afterAll(async () => {
    expectNothingPrivateInGroups(world, secrets);
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it("a volunteer's sign-up goes to the team lead, and approval brings a one-time invite to the team group", async () => {
    const row = await world.db.selectFrom('team_members').selectAll().where('user_id', '=', lead.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ team_id: 'elder', role: 'lead', status: 'approved' });

    const mei = await volunteer(world, 'Mei', 'Elder care team', { user: lead });
    expect(lead.inbox().some((m) => m.text?.includes('New volunteer for Elder care team: Mei') && m.text.includes('13900000000'))).toBe(
      true,
    );
    expect(mei.last()!.text).toMatch(/Welcome to the Elder care team! Join the team's group here: https:\/\/t\.me\/\+/);
    const call = world.emu.calls.find((c) => c.method === 'createChatInviteLink')!;
    expect(call.params).toMatchObject({ chat_id: hood.teams.elder.id, member_limit: 1 });
    const member = await world.db.selectFrom('team_members').selectAll().where('user_id', '=', mei.id).executeTakeFirstOrThrow();
    expect(member.status).toBe('approved');
    const user = await world.db.selectFrom('users').selectAll().where('id', '=', mei.id).executeTakeFirstOrThrow();
    expect(user.role).toBe('volunteer');
    // A second press on the decided sign-up changes nothing.
    const again = await lead.pressData(`pv|${member.id}|0`);
    expect(again.answer?.text).toMatch(/already been decided/);
  });

  it('an unstarted claim gets a check-in, is released when unanswered, and after a second release goes to staff', async () => {
    const ming = await volunteer(world, 'Ming', 'Elder care team', { user: lead });
    const { requestId } = await askForMeals('Grandpa Sun', '6-601');
    await ming.press('✋ 我来认领', { in: hood.teams.elder });

    world.clock.advance(2 * HOUR + MINUTE);
    await runJob('help.checkins');
    expect(ming.last()!.text).toMatch(/not been started yet/);
    expect(ming.last()!.buttons()).toEqual(['👍 Still on it', '↩️ Release']);

    world.clock.advance(2 * HOUR + MINUTE);
    await runJob('help.checkins');
    expect(ming.last()!.text).toMatch(/went back to the team/);
    const cards = cardsIn(hood.teams.elder);
    expect(cards.at(-1)!.text).toContain('重新发布');
    expect(cards.at(-1)!.buttons()).toEqual(['✋ 我来认领']);

    // The second volunteer takes it, then releases it: staff now arrange it.
    const jun = await volunteer(world, 'Jun', 'Elder care team', { user: lead });
    await jun.press('✋ 我来认领', { in: hood.teams.elder });
    await world.flush();
    await jun.press('↩️ Release');
    expect(jun.last()!.text).toMatch(/released back/);
    await world.flush();
    const alarm = hood.committee.last()!;
    expect(alarm.text).toMatch(/已被退回两次/);
    const task = await world.db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'escalated', released_count: 2, claimed_by: null });

    // A resident pressing the staff button is refused; staff post it again.
    const refused = await jun.pressData(`px|${task.id}|p`, { in: hood.committee });
    expect(refused.answer?.text).toMatch(/not allowed/);
    await hood.staff.press('🔁 重新发布', { in: hood.committee });
    await world.flush();
    expect(cardsIn(hood.teams.elder).at(-1)!.buttons()).toEqual(['✋ 我来认领']);
  });

  it('a large hours correction waits for the lead; a low rating reaches staff', async () => {
    const { resident } = await askForMeals('Auntie Qian', '7-702');
    const ling = await volunteer(world, 'Ling', 'Elder care team', { user: lead });
    await ling.press('✋ 我来认领', { in: hood.teams.elder });
    await world.flush();
    await ling.press('▶️ Start');
    world.clock.advance(30 * MINUTE);
    await ling.press('✅ Done');
    await ling.send('Delivered lunch.');
    await ling.sendPhoto();
    await ling.send('25');
    expect(ling.last()!.text).toMatch(/between 0 and 24/);
    await ling.send('4');
    expect(ling.last()!.text).toMatch(/wait for the team lead/);
    await world.flush();
    expect(lead.last()!.text).toMatch(/Ling corrected the hours .* measured 30 minutes, claimed 4 hours/);
    await lead.press('✅ Approve');
    await world.flush();
    expect(ling.last()!.text).toMatch(/have been approved/);
    const hours = await world.db.selectFrom('hours').selectAll().where('volunteer_id', '=', ling.id).executeTakeFirstOrThrow();
    expect(hours).toMatchObject({ minutes: 30, corrected_minutes: 240, approved: 1 });

    expect(resident.last()!.photo).toBeDefined(); // the rating request carries the volunteer's photo
    await resident.press('2⭐');
    await resident.press('跳过');
    await world.flush();
    expect(hood.staff.last()!.text).toMatch(/was rated 2\/5/);
  });

  it('staff make a request recurring; each week brings a fresh task to the group, covered by the one approval', async () => {
    // Only an approved request repeats.
    const { requestId } = await askForMeals('Granny Zhu', '8-801', { approve: false });
    await hood.staff.send(`/recur ${requestId} week`);
    expect(hood.staff.last()!.text).toBe(`Request #${requestId} cannot repeat: only an approved request that has not been cancelled can.`);
    await approveRequest(world, hood.staff, requestId, hood.committee);
    const approvalCards = () => hood.committee.messages().filter((m) => m.text?.startsWith('📝')).length;
    const asked = approvalCards();
    await hood.staff.send(`/recur ${requestId} week`);
    expect(hood.staff.last()!.text).toMatch(new RegExp(`Request #${requestId} now repeats every week`));
    const before = cardsIn(hood.teams.elder).length;
    await runJob('help.recurring');
    expect(cardsIn(hood.teams.elder)).toHaveLength(before); // not yet: a week minus a day away

    world.clock.advance(6 * DAY + HOUR);
    await runJob('help.recurring');
    await runJob('help.recurring'); // a second run (or a second process) makes nothing more
    expect(cardsIn(hood.teams.elder)).toHaveLength(before + 1);
    const tasks = await world.db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).execute();
    expect(tasks).toHaveLength(2);
    expect(tasks[1].window_start).toBeGreaterThan(world.clock.now());
    expect(approvalCards()).toBe(asked); // no new approval for the next occurrence
  });

  it('a patrol shift fills up, and "can\'t make it" frees the place and posts it again', async () => {
    const a = await volunteer(world, 'Patroller A', 'Night patrol', { user: hood.staff, in: hood.committee });
    const b = await volunteer(world, 'Patroller B', 'Night patrol', { user: hood.staff, in: hood.committee });
    await hood.staff.send('/shift');
    await hood.staff.press('Night patrol');
    await hood.staff.send('Buildings 1–3 and the north gate');
    await hood.staff.press(formatDay(world.clock.now() + DAY, 'en', world.app.deps.config.timezone));
    await hood.staff.send('25:00');
    expect(hood.staff.last()!.text).toMatch(/such as 20:00/);
    await hood.staff.send('20:00');
    await hood.staff.press('2 h');
    await hood.staff.press('1');
    expect(hood.staff.last()!.text).toMatch(/posted to the team's group/);
    await world.flush();

    const card = hood.teams.patrol.last()!;
    expect(card.text).toMatch(/巡逻班次 #\d+/);
    const shiftId = Number(/#(\d+)/.exec(card.text!)![1]);
    expect((await a.press('🙋 报名', { in: hood.teams.patrol })).answer?.text).toMatch(/on the shift/);
    expect(hood.teams.patrol.last()!.text).toContain('已满（1/1）');
    expect(hood.teams.patrol.last()!.buttons()).toEqual([]);
    expect((await b.pressData(`pj|${shiftId}`, { in: hood.teams.patrol })).answer?.text).toMatch(/full/);

    await world.flush();
    await a.press("🙅 Can't make it");
    expect(a.last()!.text).toMatch(/has been freed/);
    await world.flush();
    expect(hood.teams.patrol.last()!.text).toContain('空出一个名额');
    await b.press('🙋 报名', { in: hood.teams.patrol });
    const members = await world.db.selectFrom('shift_members').select('user_id').where('shift_id', '=', shiftId).execute();
    expect(members.map((m) => m.user_id)).toEqual([b.id]);
    await b.send('/tasks');
    expect(b.last()!.text).toContain('Buildings 1–3 and the north gate');

    // When the shift is over, whoever was on it has its two hours counted, once.
    world.clock.advance(2 * DAY);
    await runJob('help.shift-hours');
    const hoursOf = () => world.db.selectFrom('hours').select(['volunteer_id', 'minutes']).where('shift_id', '=', shiftId).execute();
    expect(await hoursOf()).toEqual([{ volunteer_id: b.id, minutes: 120 }]);
    expect(b.last()!.text).toMatch(
      new RegExp(`Thank you for patrolling on shift #${shiftId} .*We have added 2 hours to your volunteer hours`),
    );
    world.clock.advance(10 * MINUTE);
    await runJob('help.shift-hours');
    expect(await hoursOf()).toHaveLength(1);
    await b.send('/hours');
    expect(b.last()!.text).toMatch(/: 2 hours/);
  });

  it('a resident sees, notes and cancels their requests, and /deleteme erases their details', async () => {
    const { resident, requestId } = await askForMeals('Uncle Fang', '9-901');
    await resident.send('/myrequests');
    expect(resident.last()!.text).toContain('等待志愿者认领');
    await resident.press('📝 补充说明');
    await resident.send('午饭请少放盐');
    expect(resident.last()!.text).toContain('补充说明已添加');
    await resident.send('/myrequests');
    await resident.press('✖️ 取消');
    expect(resident.last()!.text).toContain(`求助 #${requestId} 已取消`);
    await world.flush();
    expect(cardsIn(hood.teams.elder).some((m) => m.text!.includes('求助人已取消'))).toBe(true);

    await resident.send('/mydata');
    const data = resident
      .inbox()
      .slice(-2)
      .map((m) => m.text)
      .join('\n');
    expect(data).toContain('9-901');
    expect(data).toContain('求助记录');
    await resident.send('/deleteme');
    await resident.press(/是|Yes/);
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requester_id: null, unit: null, phone: null, on_behalf_name: null, details: '' });
  });
});
