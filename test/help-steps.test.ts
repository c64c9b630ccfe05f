import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import { ratingCounts } from '../src/domain/help';
import { localMidnight } from '../src/domain/help-time';
import { weekOf, weeklySummary } from '../src/domain/summary';
import { renderSummaryText } from '../src/features/summary/views/render';
import type { EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { newUserId, startWorld, type World } from './helpers/world';
import { approveRequest, expectNothingPrivateInGroups, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/**
 * Issue 15, help requests: the requester hears each step of their task; a slot that passed
 * unclaimed asks them for a new time or to cancel; only slots still to come are offered;
 * /myrequests shows the history, notes and photo; mediation and legal advice are assigned
 * privately, never on a public card; a staff-filed request's rating is the person's answer
 * recorded by phone, counted apart.
 */
describe('help request steps', () => {
  let world: World;
  let hood: Neighbourhood;
  let li: EmulatedUser;
  const secrets: string[] = [];

  const cardsIn = (group: EmulatedGroup) => group.messages().filter((m) => m.text?.startsWith('🙋'));
  const requestIdOf = (u: EmulatedUser) => Number(/#(\d+)/.exec(u.last()!.text!)![1]);
  const runJob = async (name: string) => {
    const job = world.app.scheduler.jobs.find((j) => j.name === name)!;
    expect(await world.app.scheduler.run(job)).toBe(true);
    await world.flush();
  };
  const tz = () => world.app.deps.config.timezone;
  /** Local time `hours` on the day `plusDays` from now. */
  const localAt = (plusDays: number, hours: number) => localMidnight(world.clock.now(), tz(), plusDays) + hours * HOUR;
  const texts = (u: EmulatedUser) => u.inbox().map((m) => m.text ?? m.caption ?? '');

  /** An English-speaking resident asks for a type of help; `when` picks the time buttons. Approved by staff. */
  const ask = async (name: string, unit: string, type: string, when: string[]) => {
    const r = await world.resident(name, { unit, locale: 'en' });
    secrets.push(name, unit);
    await r.send('/request');
    await r.press('Me');
    await r.press(type);
    await r.send('Please help me with this, thank you');
    for (const label of when) await r.press(label);
    await r.press(/My home/);
    await r.press('Skip');
    await r.press('✅ Send the request');
    const requestId = requestIdOf(r);
    await approveRequest(world, hood.staff, requestId, hood.committee);
    return { r, requestId };
  };

  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['elder', 'party', 'legal']);
    li = await volunteer(world, 'Li', 'Elder care team', { user: hood.staff, in: hood.committee });
  });
  afterAll(async () => {
    expectNothingPrivateInGroups(world, secrets);
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('the requester hears, privately and in their language, each step: claimed, started, released, finished; /myrequests shows the history, notes and photo', async () => {
    const { r: ana, requestId } = await ask('Ana Wu', '3-303', 'Errands and shopping', ['⚡ As soon as possible']);
    await li.press('✋ 我来认领', { in: hood.teams.elder });
    await world.flush();
    expect(ana.last()!.text).toBe(`✋ Good news: Li has taken your request #${requestId} (Errands and shopping) and will contact you.`);

    await li.press('▶️ Start');
    await world.flush();
    expect(ana.last()!.text).toBe(`▶️ Li has started on your request #${requestId} (Errands and shopping).`);

    await li.press('↩️ Release');
    await world.flush();
    expect(ana.last()!.text).toMatch(new RegExp(`^↩️ Li cannot do your request #${requestId} .*gone back to the team`));

    // Taken again from the card posted again, and finished with a note and a photo.
    const again = cardsIn(hood.teams.elder).at(-1)!;
    await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: again.message_id });
    await world.flush();
    expect(ana.last()!.text).toMatch(/Li has taken your request/);
    world.clock.advance(30 * MINUTE);
    await li.press('✅ Done');
    await li.send('Bought bread and eggs');
    await li.sendPhoto();
    await li.press("👍 That's right");
    await world.flush();
    const rateAsk = ana.last()!;
    expect(rateAsk.caption ?? rateAsk.text).toMatch(
      /^✅ Li has finished your request \(Errands and shopping, #\d+\)\. The volunteer's note: Bought bread and eggs/,
    );
    expect(rateAsk.buttons()).toEqual(['1⭐', '2⭐', '3⭐', '4⭐', '5⭐']);

    // A Chinese-speaking requester hears the same steps in Chinese.
    const { r: bo } = await (async () => {
      const r = await world.resident('Bo Chen', { unit: '3-304' });
      secrets.push('Bo Chen', '3-304');
      await r.send('/request');
      await r.press('我本人');
      await r.press('代购代买');
      await r.send('帮忙买点水果');
      await r.press(/越快越好/);
      await r.press(/我家/);
      await r.press('跳过');
      await r.press('✅ 提交求助');
      await approveRequest(world, hood.staff, requestIdOf(r), hood.committee);
      return { r };
    })();
    await li.press('✋ 我来认领', { in: hood.teams.elder });
    await world.flush();
    expect(bo.last()!.text).toMatch(/^✋ 好消息：Li已接下您的求助 #\d+（代购代买），会与您联系。$/);

    // /myrequests: the steps with their times, the volunteer's note, then the photo.
    await ana.send('/myrequests');
    const mine = ana.inbox().slice(-2);
    const detail = mine[0].text!;
    expect(detail).toContain(`#${requestId} Errands and shopping`);
    expect(detail).toContain("Volunteer's note: Bought bread and eggs");
    const history = detail.split('History')[1].split('\n').filter(Boolean);
    expect(history.map((l) => l.replace(/^• .*? \d\d:\d\d /, ''))).toEqual([
      'Request sent',
      'Approved by the committee',
      'Passed to the volunteers',
      'Taken by Li',
      'Li started',
      'Given back to the team',
      'Taken by Li',
      'Done by Li',
    ]);
    expect(mine[1].caption).toBe(`📷 Request #${requestId}: the volunteer's photo`);
    expect(mine[1].photo).toBeDefined();
  });

  it('"Today" at 14:45 offers only the slots that have not ended; at 21:30 it is not offered at all', async () => {
    world.clock.set(localAt(1, 14.75));
    const r = await world.resident('Cai Lin', { unit: '2-201', locale: 'en' });
    secrets.push('Cai Lin', '2-201');
    await r.send('/request');
    await r.press('Me');
    await r.press('Errands and shopping');
    await r.send('Some medicine from the pharmacy');
    expect(r.last()!.buttons()).toContain('Today');
    await r.press('Today');
    expect(
      r
        .last()!
        .buttons()
        .filter((b) => !/Back|Cancel/.test(b)),
    ).toEqual(['Afternoon (13:00–17:00)', 'Evening (18:00–21:00)']);
    await r.send('/cancel');

    // Shown before noon, Morning pressed after it ended: refused politely, asked again, nothing filed.
    world.clock.set(localAt(1, 11.9));
    await r.send('/request');
    await r.press('Me');
    await r.press('Errands and shopping');
    await r.send('Some medicine from the pharmacy');
    await r.press('Today');
    expect(r.last()!.buttons()).toContain('Morning (8:00–12:00)');
    const shown = r.last()!.message_id;
    world.clock.advance(10 * MINUTE);
    await r.press('Morning (8:00–12:00)', { messageId: shown });
    expect(
      r
        .inbox()
        .slice(-2)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('That time has already passed; please choose a later one.');
    expect(r.last()!.buttons()).not.toContain('Morning (8:00–12:00)');
    expect(r.last()!.buttons()).toContain('Afternoon (13:00–17:00)');
    await r.send('/cancel');
    expect(await world.db.selectFrom('help_requests').select('id').where('requester_id', '=', r.id).execute()).toEqual([]);

    world.clock.set(localAt(0, 21.5));
    await r.send('/request');
    await r.press('Me');
    await r.press('Errands and shopping');
    await r.send('Some medicine from the pharmacy');
    expect(r.last()!.buttons()).not.toContain('Today');
    expect(r.last()!.buttons()).toContain('Tomorrow');
    await r.send('/cancel');
  });

  it('a slot that passes unclaimed: the card stops offering Claim, the requester is asked for a new time or to cancel, and a new time is never a past one', async () => {
    world.clock.set(localAt(1, 9));
    const { r: dan, requestId } = await ask('Dan Ma', '4-404', 'Meal delivery', ['Today', 'Afternoon (13:00–17:00)']);
    const card = cardsIn(hood.teams.elder).at(-1)!;
    expect(card.buttons()).toEqual(['✋ 我来认领']);

    world.clock.set(localAt(0, 21) + MINUTE);
    await runJob('help.expired-slots');
    const edited = hood.teams.elder.messages().find((m) => m.message_id === card.message_id)!;
    expect(edited.text).toContain('时间已过，无人认领');
    expect(edited.buttons()).toEqual([]);
    const question = dan.last()!;
    expect(question.text).toMatch(
      new RegExp(`no volunteer was free for your request #${requestId} \\(Meal delivery\\) at .*17:00, and that time has passed`),
    );
    expect(question.buttons()).toEqual(['🔁 Choose a new time', '✖️ Cancel']);
    const expired = await world.db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).execute();
    expect(expired.map((t) => t.status)).toEqual(['cancelled']);
    expect((await world.db.selectFrom('help_requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow()).status).toBe(
      'active',
    );
    // The job again finds nothing more to ask.
    await runJob('help.expired-slots');
    expect(dan.last()!.message_id).toBe(question.message_id);

    // A new time: today's slots are over, so today is not offered.
    await dan.press('🔁 Choose a new time');
    expect(dan.last()!.buttons()).not.toContain('Today');
    await dan.press('Tomorrow');
    await dan.press('Morning (8:00–12:00)');
    expect(dan.last()!.text).toMatch(new RegExp(`Request #${requestId} has been posted again for .*08:00–12:00`));
    await world.flush();
    const reposted = cardsIn(hood.teams.elder).at(-1)!;
    expect(reposted.message_id).not.toBe(card.message_id);
    expect(reposted.buttons()).toEqual(['✋ 我来认领']);
    const tasks = await world.db.selectFrom('tasks').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
    expect(tasks.map((t) => t.status)).toEqual(['cancelled', 'open']);
    expect(tasks[1].window_start).toBe(localAt(1, 8));

    // The old question pressed again: it no longer waits for a new time, and nothing more is posted.
    const twice = await dan.pressData(`pm|${requestId}|t`);
    expect(twice.answer?.text).toMatch(/no longer waits for a new time/);
    expect(await world.db.selectFrom('tasks').select('id').where('request_id', '=', requestId).execute()).toHaveLength(2);

    // The new slot passes unclaimed too; this time Dan cancels.
    world.clock.set(localAt(1, 12) + MINUTE);
    await runJob('help.expired-slots');
    expect(dan.last()!.buttons()).toEqual(['🔁 Choose a new time', '✖️ Cancel']);
    await dan.press('✖️ Cancel');
    expect(dan.last()!.text).toBe(`Request #${requestId} has been cancelled.`);
    expect((await world.db.selectFrom('help_requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow()).status).toBe(
      'cancelled',
    );
    await dan.send('/myrequests');
    expect(dan.last()!.text).toContain('The time passed with nobody free');
  });

  it('mediation goes to the team lead privately to assign; legal advice to the legal volunteers privately; never a public card', async () => {
    await hood.staff.send('/invite');
    await hood.staff.press('Party-member service team');
    const link = /start=(inv-[\w-]+)/.exec(hood.staff.last()!.text!)![1];
    const lead = world.emu.user({ id: newUserId(), first_name: 'Qian', language_code: 'en' });
    await lead.send(`/start ${link}`);
    await lead.press(/Building 1$/);
    await lead.press('Skip');
    await lead.press('✅ I agree');
    const wu = await volunteer(world, 'Wu', 'Party-member service team', { user: lead });

    const partyCards = cardsIn(hood.teams.party).length;
    const { r: eve, requestId } = await ask('Eve Song', '6-606', 'Dispute mediation', ['⚡ As soon as possible']);
    expect(cardsIn(hood.teams.party)).toHaveLength(partyCards);
    const offer = lead.last()!;
    expect(offer.text).toContain('Dispute mediation');
    expect(offer.text).toContain('handled privately');
    expect(offer.buttons()).toEqual(['👤 Qian', '👤 Wu']);

    // Only the lead may assign: Wu pressing the same data is refused.
    const taskId = Number(/#(\d+)/.exec(offer.text!)![1]);
    const stranger = await wu.pressData(`pg|${taskId}|${wu.id}`);
    expect(stranger.answer).toMatchObject({ text: expect.stringMatching(/Only the team lead/), show_alert: true });

    const assigned = await lead.press('👤 Wu', { messageId: offer.message_id });
    expect(assigned.answer?.text).toBe('Assigned to Wu.');
    expect(lead.inbox().find((m) => m.message_id === offer.message_id)!.text).toContain('👤 Assigned to Wu');
    await world.flush();
    expect(texts(wu).some((t) => t.includes(`Qian, your team lead, has assigned task #${taskId} to you`))).toBe(true);
    expect(wu.last()!.text).toContain('Eve Song');
    expect(eve.last()!.text).toBe(`✋ Good news: Wu has taken your request #${requestId} (Dispute mediation) and will contact you.`);
    const task = await world.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'claimed', claimed_by: wu.id });
    // A second press hears who has it.
    const second = await lead.pressData(`pg|${taskId}|${lead.id}`);
    expect(second.answer?.text).toMatch(/Already taken by Wu/);

    // Legal advice: no lead, so each legal volunteer gets it privately, with Claim.
    const zhao = await volunteer(world, 'Zhao', 'Legal aid team', { user: hood.staff, in: hood.committee });
    const { requestId: legalId } = await ask('Fay He', '7-707', 'Legal advice', ['⚡ As soon as possible']);
    expect(cardsIn(hood.teams.legal)).toEqual([]);
    const legalOffer = zhao.last()!;
    expect(legalOffer.text).toContain('Legal advice');
    expect(legalOffer.buttons()).toEqual(["✋ I'll take it"]);
    await zhao.press("✋ I'll take it", { messageId: legalOffer.message_id });
    await world.flush();
    expect(zhao.inbox().find((m) => m.message_id === legalOffer.message_id)!.text).toContain('✋ Taken by Zhao');
    expect(zhao.last()!.text).toContain('Fay He');
    const legalTask = await world.db
      .selectFrom('tasks')
      .innerJoin('help_requests', 'help_requests.id', 'tasks.request_id')
      .select(['tasks.claimed_by'])
      .where('help_requests.id', '=', legalId)
      .executeTakeFirstOrThrow();
    expect(legalTask.claimed_by).toBe(zhao.id);
    // No group ever saw either.
    const groups = world.emu
      .allBotMessages()
      .filter((m) => m.chat_id < 0)
      .map((m) => m.text ?? '');
    expect(groups.filter((t) => /Dispute mediation|矛盾纠纷调解|法律咨询|Legal advice/.test(t) && t.startsWith('🙋'))).toEqual([]);
  });

  it('a request staff filed for someone: the staff member records the rating by phone, "on behalf of", counted apart', async () => {
    await hood.staff.send('/requestfor');
    await hood.staff.send('Grandma Hu');
    await hood.staff.press('Meal delivery');
    await hood.staff.send('Lunch delivered for a week, she cannot cook after surgery.');
    await hood.staff.press('⚡ As soon as possible');
    await hood.staff.press('Meiyuan Xincun Building 2');
    await hood.staff.send('2-208');
    await hood.staff.send('13700000008');
    await hood.staff.press('✅ Send the request');
    secrets.push('Grandma Hu', '2-208', '13700000008');
    await world.flush();
    await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: cardsIn(hood.teams.elder).at(-1)!.message_id });
    await world.flush();
    const taskId = Number(
      /#(\d+)/.exec(
        li
          .inbox()
          .filter((m) => m.text?.includes('Grandma Hu'))
          .at(-1)!.text!,
      )![1],
    );
    await li.pressData(`pt|${taskId}|d`);
    await li.send('Lunch delivered');
    await li.press('Skip');
    await li.press("👍 That's right");
    await world.flush();

    const rateAsk = hood.staff.last()!;
    expect(rateAsk.text).toContain('for Grandma Hu, whom you filed it for');
    expect(rateAsk.text).toContain('Please call Grandma Hu (13700000008)');
    expect(rateAsk.text).toContain('rated on behalf of Grandma Hu');
    await hood.staff.press('4⭐', { messageId: rateAsk.message_id });
    const recorded = hood.staff.inbox().slice(-2);
    expect(recorded[0].text).toBe('Recorded: 4⭐, rated on behalf of Grandma Hu.');
    expect(recorded[1].text).toBe('Did Grandma Hu say anything else about the help? Write it down here (optional).');
    await hood.staff.send('She said the rice was too hard');
    expect(hood.staff.last()!.text).toContain('Thank you for your rating');

    const rating = await world.db.selectFrom('ratings').selectAll().where('task_id', '=', taskId).executeTakeFirstOrThrow();
    expect(rating).toMatchObject({ score: 4, rater_id: hood.staff.id, comment: 'She said the rice was too hard' });
    const audit = await world.db.selectFrom('audit_log').selectAll().where('action', '=', 'help.rate.on_behalf').execute();
    expect(audit).toHaveLength(1);

    // Kept apart: the residents' own rating (none rated yet here but Ana's, unrated) vs the one recorded by phone.
    const now = world.clock.now();
    const counts = await ratingCounts(world.db, 'meiyuan', now - 7 * 24 * HOUR, now + HOUR);
    expect(counts).toMatchObject({ rated: 0, onBehalfRated: 1, onBehalfSatisfied: 1 });
    const week = weekOf(now, tz());
    const summary = await weeklySummary(world.db, world.app.deps.communities, 'meiyuan', week, tz(), now);
    expect(summary.thisWeek.rates).toMatchObject({ ratings: 0, satisfaction: null, onBehalfRatings: 1, onBehalfSatisfied: 1 });
    const { i18n, communities } = world.app.deps;
    const text = renderSummaryText(summary, { t: i18n.translator('en'), locale: 'en', communities, timeZone: tz() });
    expect(text).toContain('Recorded by staff by phone for residents: 1 (satisfied 1), not in the rate');
  });
});
