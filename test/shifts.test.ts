import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { formatDay } from '../src/domain/help-time';
import type { EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { newUserId, startWorld, type World } from './helpers/world';
import { approveRequest, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/**
 * Patrol shifts as volunteers live them: a freed place is offered again (every card shows the
 * true count, whoever heard "full" is told), reminders the evening before and an hour before,
 * attendance confirmed before hours count, /deleteme gives back tasks and places, and a press on
 * a stale task button always gets an answer.
 */

describe('patrol shifts', () => {
  let world: World;
  let hood: Neighbourhood;
  let lead: EmulatedUser;
  let patrol: EmulatedGroup;
  let green: EmulatedGroup;

  const jobOf = (name: string) => world.app.scheduler.jobs.find((j) => j.name === name)!;
  const runJob = async (name: string) => {
    await world.app.scheduler.run(jobOf(name));
    await world.flush();
  };
  const textsOf = (u: EmulatedUser) => u.inbox().map((m) => m.text ?? '');
  const hoursOf = (shiftId: number) =>
    world.db.selectFrom('hours').select(['volunteer_id', 'minutes']).where('shift_id', '=', shiftId).orderBy('volunteer_id').execute();
  const membersOf = async (shiftId: number) =>
    (await world.db.selectFrom('shift_members').select('user_id').where('shift_id', '=', shiftId).execute()).map((m) => m.user_id);
  const cardsOf = (group: EmulatedGroup, shiftId: number) =>
    group.messages().filter((m) => (m.text ?? '').includes(`#${shiftId}`) && /🔦/.test(m.text ?? ''));

  /** Staff post a shift through /shift: `days` from today at `time`, `hours` long, with `places`. Returns its number. */
  const newShift = async (team: string, zone: string, o: { days?: number; time?: string; hours?: number; places?: number } = {}) => {
    await hood.staff.send('/shift');
    await hood.staff.press(team);
    await hood.staff.send(zone);
    await hood.staff.press(formatDay(world.clock.now() + (o.days ?? 1) * DAY, 'en', world.app.deps.config.timezone));
    await hood.staff.send(o.time ?? '20:00');
    await hood.staff.press(`${o.hours ?? 1} h`);
    await hood.staff.press(String(o.places ?? 1));
    expect(hood.staff.last()!.text).toMatch(/posted to the team's group/);
    await world.flush();
    const row = await world.db.selectFrom('shifts').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    return { id: Number(row.id), startsAt: Number(row.starts_at), endsAt: Number(row.ends_at) };
  };
  /** Moves the clock to `at` (never back). */
  const moveTo = (at: number) => world.clock.advance(Math.max(0, at - world.clock.now()));

  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['patrol', 'green', 'elder']);
    patrol = hood.teams.patrol;
    green = hood.teams.green;
    // The night patrol has a lead; the cleanup team has none.
    await hood.staff.send('/invite');
    await hood.staff.press('Night patrol');
    const link = /start=(inv-[\w-]+)/.exec(hood.staff.last()!.text!)![1];
    lead = world.emu.user({ id: newUserId(), first_name: 'Lead Qin', language_code: 'en' });
    await lead.send(`/start ${link}`);
    await lead.press(/Building 1$/);
    await lead.press('Skip');
    await lead.press('✅ I agree');
  });
  /** A resident asks for meal delivery as soon as possible and staff approve it; the elder team's card. */
  const mealTask = async (name: string) => {
    const r = await world.resident(name, { unit: '5-501' });
    await r.send('/request');
    await r.press('我本人');
    await r.press('配餐送餐');
    await r.send('需要每天送午饭');
    await r.press('⚡ 越快越好');
    await r.press(/我家/);
    await r.press('跳过');
    await r.press('✅ 提交求助');
    const requestId = Number(/#(\d+)/.exec(r.last()!.text!)![1]);
    await approveRequest(world, hood.staff, requestId, hood.committee);
    const task = await world.db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    const card = hood.teams.elder
      .messages()
      .filter((m) => (m.text ?? '').includes(`#${task.id}`) && m.buttons().length > 0)
      .at(-1)!;
    return { resident: r, requestId, taskId: Number(task.id), card };
  };

  afterAll(async () => {
    expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
    await world.stop();
  });

  it('a freed place: every card of the shift shows the true count, and whoever heard "full" is told privately', async () => {
    const a = await volunteer(world, 'Patroller An', 'Cleanup team', { user: hood.staff, in: hood.committee });
    const b = await volunteer(world, 'Patroller Bai', 'Cleanup team', { user: hood.staff, in: hood.committee });
    const shift = await newShift('Cleanup team', 'The east lawn');
    const [first] = cardsOf(green, shift.id);
    await a.press('🙋 报名', { in: green, messageId: first.message_id });
    expect((await b.pressData(`pj|${shift.id}`, { in: green, messageId: first.message_id })).answer?.text).toBe(
      'Sorry, this shift is full.',
    );
    await world.flush();

    await a.press("🙅 Can't make it");
    await world.flush();
    const [original, reposted] = cardsOf(green, shift.id);
    expect(original.text).toContain('已报名 0/1 人');
    expect(original.text).not.toContain('已满');
    expect(original.buttons()).toEqual(['🙋 报名']);
    expect(reposted.text).toMatch(/^🔁 空出一个名额/);
    // Bai, told "full" a moment ago, hears privately that a place opened, and takes it from there.
    expect(b.last()!.text).toMatch(new RegExp(`^🔁 A place has opened on patrol shift #${shift.id}: The east lawn,`));
    expect((await b.press('🙋 Join')).answer?.text).toBe("You're on the shift. Thank you!");
    expect(b.last()!.text).toMatch(new RegExp(`You're on patrol shift #${shift.id}`));
    await world.flush();
    for (const card of cardsOf(green, shift.id)) {
      expect(card.text).toContain('已满（1/1）');
      expect(card.buttons()).toEqual([]);
    }
    expect(await membersOf(shift.id)).toEqual([b.id]);
    // An Bai heard once; An, who freed the place, is not told it opened.
    expect(textsOf(b).filter((t) => t.includes('A place has opened'))).toHaveLength(1);
    expect(textsOf(a).filter((t) => t.includes('A place has opened'))).toHaveLength(0);
  });

  it('members are reminded at 20:00 the evening before and an hour before, each once, even when runs overlap', async () => {
    const c = await volunteer(world, 'Patroller Cao', 'Cleanup team', { user: hood.staff, in: hood.committee });
    const d = await volunteer(world, 'Patroller Du', 'Cleanup team', { user: hood.staff, in: hood.committee });
    const shift = await newShift('Cleanup team', 'The west gate', { days: 2, time: '21:00', places: 2 });
    await c.press('🙋 报名', { in: green, messageId: cardsOf(green, shift.id)[0].message_id });
    const reminders = (u: EmulatedUser, words: RegExp) => textsOf(u).filter((t) => t.includes(`shift #${shift.id}`) && words.test(t));
    // Asia/Shanghai keeps no summer time: the evening before is 25 hours before a 21:00 start.
    const evening = shift.startsAt - 25 * HOUR;

    moveTo(evening - 2 * MINUTE);
    await runJob('help.shift-reminders');
    expect(reminders(c, /Reminder/)).toEqual([]);

    moveTo(evening + MINUTE);
    // Two processes (or a run made up after a restart) at once: one reminder.
    await Promise.all([jobOf('help.shift-reminders').run(world.clock.now()), jobOf('help.shift-reminders').run(world.clock.now())]);
    await world.flush();
    expect(reminders(c, /Reminder/)).toEqual([
      `🔦 Reminder: you're on patrol shift #${shift.id} tomorrow: The west gate, ${formatDay(shift.startsAt, 'en', 'Asia/Shanghai')} 21:00–22:00. If you can't make it, press the button below.`,
    ]);
    expect(c.last()!.buttons()).toEqual(["🙅 Can't make it"]);
    // Du joins after the evening reminder went: nothing to remind of yet.
    await d.press('🙋 报名', { in: green, messageId: cardsOf(green, shift.id).at(-1)!.message_id });
    world.clock.advance(10 * MINUTE);
    await runJob('help.shift-reminders');
    expect(reminders(c, /Reminder/)).toHaveLength(1);
    expect(reminders(d, /Reminder/)).toEqual([]);

    moveTo(shift.startsAt - HOUR + MINUTE);
    await runJob('help.shift-reminders');
    world.clock.advance(10 * MINUTE);
    await runJob('help.shift-reminders');
    for (const u of [c, d]) expect(reminders(u, /starts in an hour/)).toHaveLength(1);
    const sent = await world.db
      .selectFrom('shift_members')
      .select(['user_id', 'eve_reminded_at', 'hour_reminded_at'])
      .where('shift_id', '=', shift.id)
      .execute();
    expect(sent.find((m) => m.user_id === c.id)?.eve_reminded_at).not.toBeNull();
    expect(sent.find((m) => m.user_id === d.id)?.eve_reminded_at).toBeNull();
    expect(sent.every((m) => m.hour_reminded_at !== null)).toBe(true);
  });

  it('/deleteme by a volunteer: their claimed task is posted again to the team, their shift place freed and offered again', async () => {
    const dee = await volunteer(world, 'Dee', 'Elder care team', { user: hood.staff, in: hood.committee });
    const wei = await volunteer(world, 'Wei', 'Elder care team', { user: hood.staff, in: hood.committee });
    const elder = hood.teams.elder;
    const { taskId, card, resident } = await mealTask('Auntie Lan');
    await dee.press('✋ 我来认领', { in: elder, messageId: card.message_id });
    const shift = await newShift('Elder care team', 'Visits in building 3', { days: 2 });
    await dee.press('🙋 报名', { in: elder, messageId: cardsOf(elder, shift.id)[0].message_id });
    const full = await wei.pressData(`pj|${shift.id}`, { in: elder, messageId: cardsOf(elder, shift.id)[0].message_id });
    expect(full.answer?.text).toMatch(/full/);
    await world.flush();

    await dee.send('/deleteme');
    await dee.press('Yes, delete');
    await world.flush();

    const task = await world.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'released', claimed_by: null, released_count: 1 });
    const taskCards = elder.messages().filter((m) => (m.text ?? '').includes(`#${taskId}`) && /^🙋/.test(m.text ?? ''));
    expect(taskCards.at(0)!.text).toContain('已退回，见下方重新发布的任务');
    expect(taskCards.at(-1)!.text).toContain('重新发布：仍需志愿者');
    expect(taskCards.at(-1)!.buttons()).toEqual(['✋ 我来认领']);
    expect(await membersOf(shift.id)).toEqual([]);
    const [original, reposted] = cardsOf(elder, shift.id);
    expect(original.text).toContain('已报名 0/1 人');
    expect(reposted.text).toMatch(/^🔁 空出一个名额/);
    expect(wei.last()!.text).toMatch(new RegExp(`A place has opened on patrol shift #${shift.id}`));
    // Auntie Lan hears it went back, without the name of whoever erased themselves.
    expect(resident.last()!.text).toMatch(/^↩️ 一位志愿者无法完成您的求助 #\d+（配餐送餐），已退回服务队另找志愿者/);
    // Wei takes the task that came back.
    expect((await wei.press('✋ 我来认领', { in: elder, messageId: taskCards.at(-1)!.message_id })).answer?.text).toMatch(/yours/);
  });

  it('a press on a stale task button says, as an alert, what became of the task', async () => {
    const lin = await volunteer(world, 'Lin', 'Elder care team', { user: hood.staff, in: hood.committee });
    const elder = hood.teams.elder;
    const answer = async (u: EmulatedUser, data: string, o: { in?: EmulatedGroup; messageId?: number } = {}) => {
      const a = (await u.pressData(data, o)).answer;
      expect(a?.show_alert, `${data}: ${a?.text}`).toBe(true);
      return a?.text;
    };
    // Released: the old private buttons (Start, Done, can't reach, still on it) say it is back with the team.
    const released = await mealTask('Uncle One');
    await lin.press('✋ 我来认领', { in: elder, messageId: released.card.message_id });
    await world.flush();
    const details = lin
      .inbox()
      .filter((m) => m.buttons().includes('▶️ Start'))
      .at(-1)!;
    await lin.press('↩️ Release', { messageId: details.message_id });
    for (const act of ['s', 'd', 'u', 'k'])
      expect(await answer(lin, `pt|${released.taskId}|${act}`, { messageId: details.message_id })).toBe(
        `Task #${released.taskId} is back with the team: it is open for a volunteer to take in the group.`,
      );
    // Taken by someone else since.
    const wu = await volunteer(world, 'Wu', 'Elder care team', { user: hood.staff, in: hood.committee });
    await wu.press('✋ 我来认领', { in: elder });
    expect(await answer(lin, `pt|${released.taskId}|s`, { messageId: details.message_id })).toBe(
      `Task #${released.taskId} is now with another volunteer.`,
    );
    // Done, and cancelled: the claimer's buttons and the group card's Claim say so.
    const other = await mealTask('Uncle Two');
    await lin.press('✋ 我来认领', { in: elder, messageId: other.card.message_id });
    await world.flush();
    await world.db.updateTable('tasks').set({ status: 'done' }).where('id', '=', other.taskId).execute();
    expect(await answer(lin, `pt|${other.taskId}|s`)).toBe(`Task #${other.taskId} is already done. Thank you!`);
    expect(await answer(lin, `pc|${other.taskId}`, { in: elder, messageId: other.card.message_id })).toBe(
      `Task #${other.taskId} is already done. Thank you!`,
    );
    await world.db.updateTable('tasks').set({ status: 'cancelled' }).where('id', '=', other.taskId).execute();
    expect(await answer(lin, `pt|${other.taskId}|d`)).toBe(`Task #${other.taskId} was cancelled: nothing more is needed.`);
    // Staff's "post again" on a task already back with the team.
    expect(await answer(hood.staff, `px|${released.taskId}|p`, { in: hood.committee })).toMatch(/is now with another volunteer/);
  });

  describe('attendance before hours count', () => {
    let e: EmulatedUser;
    let f: EmulatedUser;
    beforeAll(async () => {
      e = await volunteer(world, 'Patroller Er', 'Night patrol', { user: lead });
      f = await volunteer(world, 'Patroller Fu', 'Night patrol', { user: lead });
    });
    /** A night patrol shift tomorrow that Er and Fu join. */
    const joinedShift = async (zone: string) => {
      const shift = await newShift('Night patrol', zone, { places: 2 });
      for (const u of [e, f]) await u.press('🙋 报名', { in: patrol, messageId: cardsOf(patrol, shift.id)[0].message_id });
      await world.flush();
      return shift;
    };
    const listOf = (shiftId: number) =>
      lead
        .inbox()
        .filter((m) => (m.text ?? '').includes(`shift #${shiftId}`))
        .at(-1)!;

    it("the team's lead confirms who came: only they are credited", async () => {
      const shift = await joinedShift('The river path');
      moveTo(shift.endsAt + 5 * MINUTE);
      await runJob('help.shift-hours');
      const list = listOf(shift.id);
      expect(list.text).toMatch(new RegExp(`^📋 Patrol shift #${shift.id} \\(The river path, .*\\) is over\\. Who came\\?`));
      expect(list.text).toContain('▫️ Patroller Er\n▫️ Patroller Fu');
      expect(list.buttons()).toEqual(['▫️ Patroller Er', '▫️ Patroller Fu', '✔️ Confirm: 0 of 2 came']);
      // Nobody is credited, nor asked, before the lead says so.
      expect(await hoursOf(shift.id)).toEqual([]);
      expect(textsOf(e).filter((t) => t.includes(`shift #${shift.id}`) && /over/.test(t))).toEqual([]);

      expect((await f.pressData(`pk|${shift.id}`)).answer?.text).toBe("Only the team's lead (or staff) confirms attendance.");
      expect((await lead.press('▫️ Patroller Er', { messageId: list.message_id })).answer?.text).toBe('✅ Patroller Er came');
      expect(listOf(shift.id).buttons()).toEqual(['✅ Patroller Er', '▫️ Patroller Fu', '✔️ Confirm: 1 of 2 came']);
      expect((await lead.press(/Confirm/, { messageId: list.message_id })).answer?.text).toBe('Confirmed: 1 credited.');
      expect(listOf(shift.id).text).toMatch(new RegExp(`^✅ Attendance for shift #${shift.id} confirmed by Lead Qin: 1 of 2 came`));
      expect(listOf(shift.id).buttons()).toEqual([]);
      await world.flush();
      expect(await hoursOf(shift.id)).toEqual([{ volunteer_id: e.id, minutes: 60 }]);
      expect(e.last()!.text).toMatch(
        new RegExp(`Thank you for patrolling on shift #${shift.id} .*We have added 1 hour to your volunteer hours`),
      );
      expect(textsOf(f).filter((t) => t.includes(`Thank you for patrolling on shift #${shift.id}`))).toEqual([]);

      // The old list's buttons, pressed again: a clear answer, nothing changes.
      expect((await lead.pressData(`pk|${shift.id}`, { messageId: list.message_id })).answer?.text).toBe(
        `Attendance for shift #${shift.id} has already been closed.`,
      );
      expect((await lead.pressData(`pw|${shift.id}|${f.id}`, { messageId: list.message_id })).answer?.text).toMatch(/already been closed/);
      await runJob('help.shift-hours');
      expect(await hoursOf(shift.id)).toHaveLength(1);
    });

    it('not confirmed by the deadline: credited as listed, except whoever the lead marked absent', async () => {
      const shift = await joinedShift('The car park');
      moveTo(shift.endsAt + MINUTE);
      await runJob('help.shift-hours');
      const list = listOf(shift.id);
      await lead.press('▫️ Patroller Fu', { messageId: list.message_id });
      expect((await lead.press('✅ Patroller Fu', { messageId: list.message_id })).answer?.text).toBe('❌ Patroller Fu did not come');
      moveTo(shift.endsAt + 2 * HOUR + MINUTE);
      await runJob('help.shift-hours');
      expect(await hoursOf(shift.id)).toEqual([{ volunteer_id: e.id, minutes: 60 }]);
      expect(listOf(shift.id).text).toMatch(new RegExp(`^⏰ Attendance for shift #${shift.id} was not confirmed in time.*\\(1 of 2\\)`));
      expect(listOf(shift.id).buttons()).toEqual([]);
    });

    it('a team without a lead: each member answers for themselves; no answer by the deadline counts as listed', async () => {
      const [g, k, m] = [
        await volunteer(world, 'Cleaner Gu', 'Cleanup team', { user: hood.staff, in: hood.committee }),
        await volunteer(world, 'Cleaner Kong', 'Cleanup team', { user: hood.staff, in: hood.committee }),
        await volunteer(world, 'Cleaner Ma', 'Cleanup team', { user: hood.staff, in: hood.committee }),
      ];
      const shift = await newShift('Cleanup team', 'The market', { places: 3, hours: 2 });
      for (const u of [g, k, m]) await u.press('🙋 报名', { in: green, messageId: cardsOf(green, shift.id)[0].message_id });
      moveTo(shift.endsAt + MINUTE);
      await runJob('help.shift-hours');
      for (const u of [g, k, m]) {
        expect(u.last()!.text).toMatch(new RegExp(`^🌙 Patrol shift #${shift.id} \\(The market, .*\\) is over\\. Were you there\\?`));
        expect(u.last()!.buttons()).toEqual(['✅ I was there', "❌ I couldn't come"]);
      }
      expect((await g.press('✅ I was there')).answer?.text).toBe('Thank you! Your hours have been added.');
      expect((await m.press("❌ I couldn't come")).answer?.text).toBe('Thank you for telling us.');
      expect(m.last()!.text).toBe(`Noted: you could not come to shift #${shift.id}, so no hours are counted for it.`);
      expect((await m.pressData(`pq|${shift.id}|1`)).answer?.text).toBe(`You have already answered for shift #${shift.id}.`);
      await world.flush();
      expect(await hoursOf(shift.id)).toEqual([{ volunteer_id: g.id, minutes: 120 }]);

      moveTo(shift.endsAt + 2 * HOUR);
      await runJob('help.shift-hours');
      expect((await hoursOf(shift.id)).map((h) => h.volunteer_id).sort()).toEqual([g.id, k.id].sort());
      const kongAsked = k.inbox().find((x) => (x.text ?? '').includes(`Shift #${shift.id}: no answer in time`));
      expect(kongAsked?.buttons()).toEqual([]);
      expect(k.last()!.text).toMatch(new RegExp(`Thank you for patrolling on shift #${shift.id}`));
      expect(textsOf(m).filter((t) => t.includes(`Thank you for patrolling on shift #${shift.id}`))).toEqual([]);
    });
  });
});
