import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { formatDay } from '../src/domain/help-time';
import type { CallbackAnswer, EmulatedGroup, EmulatedUser, PressResult } from '../src/sandbox/emulator';
import { hazardSuite } from './helpers/hazards';
import { startWorld, type World } from './helpers/world';
import { approvalCard, approveRequest, neighbourhood, volunteer, type Neighbourhood } from './help-support';

/**
 * A thumb taps twice, or two people tap the same button at once: every button that creates or
 * changes something acts once, and the second tap is told, in words, that it was already done.
 * (test/concurrency.test.ts covers a double ✅ Submit of a report and two staff acknowledging.)
 */

const textOf = (m: { text?: string; caption?: string }) => m.text ?? m.caption ?? '';
const messagesOf = (u: EmulatedUser | EmulatedGroup) => ('inbox' in u ? u.inbox() : u.messages());
const size = (u: EmulatedUser | EmulatedGroup) => messagesOf(u).length;
/** Messages of a chat after its first `from` that match `words`. */
const since = (u: EmulatedUser | EmulatedGroup, from: number, words: RegExp) =>
  messagesOf(u)
    .slice(from)
    .filter((m) => words.test(textOf(m)));
/** The answers of a double tap, as text. */
const texts = (r: PressResult) => (r.answers ?? [r.answer]).map((a?: CallbackAnswer) => a?.text ?? '');
/** The answers of presses by different people at once, the one that acted first. */
const byOutcome = (rs: PressResult[], acted: RegExp) =>
  rs.map((r) => r.answer?.text ?? '').sort((a, b) => Number(acted.test(b)) - Number(acted.test(a)));
/** What a second tap must never get: silence, "stale button" alone, or an error. */
const UNCLEAR = /no longer valid|已过期|已過期|went wrong|出了点问题|^$/;
/** Each test also checks that Telegram refused none of the bot's calls (an edit to what a message already says, say). */
function noRefusedCalls(world: () => World): void {
  let before = 0;
  beforeEach(() => void (before = world().emu.rejected.length));
  afterEach(() =>
    expect(
      world()
        .emu.rejected.slice(before)
        .map((c) => `${c.method}: ${c.error?.description}`),
      'calls Telegram refused',
    ).toEqual([]),
  );
}
/** The first tap acted (`first`), the second was told it was done already (`second`). */
function expectOnceThenAlready(tap: PressResult, first: RegExp | string, second: RegExp | string): void {
  const [a, b] = texts(tap);
  expect.soft(a).toMatch(first);
  expect.soft(b, 'the second tap').not.toMatch(UNCLEAR);
  expect.soft(b, 'the second tap').toMatch(second);
}

describe('double taps: hazard reports', () => {
  const h = hazardSuite();
  noRefusedCalls(() => h.world);

  const eventsOf = async (id: number, action: string) =>
    (await h.world.db.selectFrom('report_events').select('action').where('report_id', '=', id).where('action', '=', action).execute())
      .length;
  /** The group card of report `id`, pressed by Lin. */
  const onCard = (id: number, label: string | RegExp, times = 1) =>
    h.lin.press(label, { in: h.group, messageId: h.cardOf(id).message_id, times });

  it('👀 Acknowledge tapped twice by the same staff member: one transition, one notice to the reporter', async () => {
    const ana = await h.world.resident('Ana', { building: 'b2' });
    const r = await h.reportAtHome(ana, '楼道堆物', '楼道里堆了很多纸箱');
    const before = size(ana);
    expectOnceThenAlready(await onCard(r.id, '👀 受理', 2), /acknowledged/, 'This report is now "Acknowledged"');
    expect.soft(await eventsOf(r.id, 'acknowledge')).toBe(1);
    await h.world.flush();
    expect.soft(since(ana, before, /已由居委会受理/)).toHaveLength(1);
  });

  it('👤 Assign tapped twice: one assignment', async () => {
    const bo = await h.world.resident('Bo', { building: 'b3' });
    const r = await h.reportAtHome(bo, '小广告', '电梯里贴满了小广告');
    await onCard(r.id, '👷 分派');
    expectOnceThenAlready(await onCard(r.id, '👤 Lin', 2), /assigned/, /already/i);
    expect.soft(await eventsOf(r.id, 'assign')).toBe(1);
  });

  it('a reject reason tapped twice: one rejection, one word to the reporter', async () => {
    const cy = await h.world.resident('Cy', { building: 'b3' });
    const r = await h.reportAtHome(cy, '小广告', '楼道里也贴满了小广告');
    const before = size(cy);
    await onCard(r.id, '🚫 不予处理');
    expectOnceThenAlready(await onCard(r.id, '不属于安全隐患', 2), /rejected/, 'This report is now "Rejected"');
    expect.soft(await eventsOf(r.id, 'reject')).toBe(1);
    await h.world.flush();
    expect.soft(since(cy, before, /不予处理/)).toHaveLength(1);
  });

  it('✅ Fixed tapped twice on the card, in private and on its last step: one fix, one "Is it fixed?"', async () => {
    const di = await h.world.resident('Di', { building: 'b4' });
    const r = await h.reportAtHome(di, '楼道堆物', '4号楼2楼堆了旧家具');
    const id = `R-${r.id + 1000}`;
    await onCard(r.id, '👀 受理');
    // In the group: the first tap writes the note's question to the private chat, the second writes nothing more.
    expectOnceThenAlready(await onCard(r.id, '✅ 已处理', 2), /private chat/, /already waiting/i);
    await h.world.flush();
    // In private: one question for the note.
    expect.soft(h.lin.inbox().filter((m) => textOf(m).startsWith(`${id} fixed: please write a short note`))).toHaveLength(1);
    await h.lin.send('Moved to the bulky waste point');
    const before = size(di);
    expectOnceThenAlready(await h.lin.press('Skip', { times: 2 }), /^$/, /Already done/);
    expect.soft(await eventsOf(r.id, 'fix')).toBe(1);
    await h.world.flush();
    expect.soft(since(di, before, /问题解决了吗/)).toHaveLength(1);
  });

  it('"Is it fixed?" ✅ Yes and the stars tapped twice: closed once, rated once, asked for a comment once', async () => {
    const ed = await h.world.resident('Ed', { building: 'b5' });
    const r = await h.reportAtHome(ed, '楼道堆物', '5号楼楼梯间堆了自行车');
    await onCard(r.id, '👀 受理');
    await onCard(r.id, '✅ 已处理');
    await h.world.flush();
    await h.lin.send('Bikes moved to the shed');
    await h.lin.press('Skip');
    await h.world.flush();
    const before = size(ed);
    // The second tap hits the same question, whose buttons the first replaced: "stale" alone does not say it was done.
    expectOnceThenAlready(await ed.press('✅ 已解决', { times: 2 }), '✅ 已解决', /已经/);
    expect.soft(await eventsOf(r.id, 'confirm')).toBe(1);
    expect.soft(since(ed, before, /请为本次处理打分/)).toHaveLength(1);
    expectOnceThenAlready(await ed.press('★★★★★', { times: 2 }), '★★★★★', /已经/);
    expect.soft(since(ed, before, /还有什么想说的吗/)).toHaveLength(1);
    const row = await h.world.db.selectFrom('reports').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect.soft(row).toMatchObject({ status: 'closed', fix_answer: 'yes', rating: 5 });
  });
});

describe('double taps: help requests and volunteers', () => {
  let world: World;
  let hood: Neighbourhood;
  let li: EmulatedUser;
  let zhao: EmulatedUser;

  const countOf = async (table: 'tasks' | 'ratings' | 'hours', column: 'request_id' | 'task_id', id: number) =>
    (await world.db.selectFrom(table).select('id').where(column, '=', id).execute()).length;
  const taskEvents = async (taskId: number, kind: 'claimed' | 'started' | 'done' | 'released') =>
    (await world.db.selectFrom('task_events').select('id').where('task_id', '=', taskId).where('kind', '=', kind).execute()).length;
  const requestIdOf = (u: EmulatedUser) => Number(/#(\d+)/.exec(u.last()!.text!)![1]);

  /** A resident (English) asks for shopping help; `times` taps of ✅ Send the request (once by default). */
  async function askForShopping(name: string, opts: { community?: string; building?: string; times?: number } = {}) {
    const r = await world.resident(name, { locale: 'en', community: opts.community, building: opts.building, unit: '2-201' });
    await r.send('/request');
    await r.press('Me');
    await r.press('Errands and shopping');
    await r.send('Some rice and cooking oil, please');
    await r.press('⚡ As soon as possible');
    await r.press(/My home/);
    await r.press('Skip');
    const sent = await r.press('✅ Send the request', { times: opts.times ?? 1 });
    const requestId = requestIdOf(r);
    await world.flush();
    return { resident: r, requestId, sent };
  }

  /** An approved request's task card in the elder care group, and its task id. */
  async function taskCard(name: string) {
    const { resident, requestId } = await askForShopping(name);
    await approveRequest(world, hood.staff, requestId, hood.committee);
    const card = hood.teams.elder.last()!;
    return { resident, requestId, card, taskId: Number(/#(\d+)/.exec(card.text!)![1]) };
  }

  beforeAll(async () => {
    world = await startWorld();
    hood = await neighbourhood(world, ['elder', 'patrol']);
    zhao = await world.staff('Zhao');
    hood.committee.add(zhao);
    li = await volunteer(world, 'Li', 'Elder care team', { user: hood.staff, in: hood.committee });
  });
  afterAll(() => world.stop());
  noRefusedCalls(() => world);

  it('✅ Send the request tapped twice files one request and one approval card', async () => {
    const { resident, sent } = await askForShopping('Ana', { times: 2 });
    expectOnceThenAlready(sent, /^$/, /^Already done ✓/);
    const rows = await world.db.selectFrom('help_requests').select('id').where('requester_id', '=', resident.id).execute();
    expect.soft(rows).toHaveLength(1);
    expect
      .soft(hood.committee.messages().filter((m) => textOf(m).includes(`#${rows[0].id}`) && m.buttons().includes('✅ 同意')))
      .toHaveLength(1);
  });

  it('✅ Approve tapped twice by one staff member: one task, one card, one word to the requester', async () => {
    const { resident, requestId } = await askForShopping('Bo');
    const card = await approvalCard(world, hood.staff, requestId, hood.committee);
    const before = size(hood.teams.elder);
    const tap = await hood.staff.press('✅ 同意', { in: hood.committee, messageId: card.message_id, times: 2 });
    expectOnceThenAlready(tap, /^Approved: sent to the Elder care team\.$/, /^Already approved by Wang\. Thank you!$/);
    await world.flush();
    expect.soft(await countOf('tasks', 'request_id', requestId)).toBe(1);
    expect.soft(since(hood.teams.elder, before, /^🙋/)).toHaveLength(1);
    expect.soft(resident.inbox().filter((m) => /has been approved/.test(textOf(m)))).toHaveLength(1);
  });

  it('two staff press ✅ Approve at once in the committee group: one task, the second hears who was first', async () => {
    const { resident, requestId } = await askForShopping('Cy');
    const card = await approvalCard(world, hood.staff, requestId, hood.committee);
    const presses = await world.emu.together(async () => [
      await hood.staff.press('✅ 同意', { in: hood.committee, messageId: card.message_id }),
      await zhao.press('✅ 同意', { in: hood.committee, messageId: card.message_id }),
    ]);
    expect
      .soft(byOutcome(presses, /^Approved/))
      .toEqual(['Approved: sent to the Elder care team.', 'Already approved by Wang. Thank you!']);
    await world.flush();
    expect.soft(await countOf('tasks', 'request_id', requestId)).toBe(1);
    expect.soft(resident.inbox().filter((m) => /has been approved/.test(textOf(m)))).toHaveLength(1);
  });

  it('two staff press ✅ Approve at once, each in their own private chat: one task, one word to the requester', async () => {
    const gui = await world.staff('Gui', { community: 'guihua' });
    const gao = await world.staff('Gao', { community: 'guihua' });
    const { resident, requestId } = await askForShopping('Di', { community: 'guihua', building: 'b8' });
    const [cardA, cardB] = [await approvalCard(world, gui, requestId), await approvalCard(world, gao, requestId)];
    const presses = await world.emu.together(async () => [
      await gui.press('✅ Approve', { messageId: cardA.message_id }),
      await gao.press('✅ Approve', { messageId: cardB.message_id }),
    ]);
    const [won, lost] = byOutcome(presses, /^Approved/);
    expect.soft(won).toMatch(/^Approved/);
    expect.soft(lost).toMatch(/^Already approved by (Gui|Gao)\. Thank you!$/);
    await world.flush();
    expect.soft(await countOf('tasks', 'request_id', requestId)).toBe(1);
    expect.soft(resident.inbox().filter((m) => /has been approved/.test(textOf(m)))).toHaveLength(1);
    const decided = await world.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', `help:${requestId}`)
      .where('action', '=', 'help.approve')
      .execute();
    expect.soft(decided).toHaveLength(1);
  });

  it('a decline reason tapped twice: declined once, one word to the requester', async () => {
    const { resident, requestId } = await askForShopping('Ed');
    const card = await approvalCard(world, hood.staff, requestId, hood.committee);
    await hood.staff.press('✖️ 不同意', { in: hood.committee, messageId: card.message_id });
    const tap = await hood.staff.press('📞 由工作人员联系', { in: hood.committee, messageId: card.message_id, times: 2 });
    expectOnceThenAlready(tap, /^Declined/, /^Already declined by Wang\.$/);
    await world.flush();
    expect.soft(resident.inbox().filter((m) => /We are sorry/.test(textOf(m)))).toHaveLength(1);
    const row = await world.db.selectFrom('help_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect.soft(row).toMatchObject({ status: 'declined', decline_reason: 'staff_contact' });
  });

  it('✋ Claim tapped twice by one volunteer: one claim, the details sent once', async () => {
    const { card, taskId } = await taskCard('Fay');
    const before = size(li);
    const tap = await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: card.message_id, times: 2 });
    expectOnceThenAlready(tap, /It's yours/, /^You have already taken this task\.$/);
    expect.soft(await taskEvents(taskId, 'claimed')).toBe(1);
    await world.flush();
    expect.soft(since(li, before, /Fay/)).toHaveLength(1);
  });

  it('two volunteers press ✋ Claim at once in the team group: one claim, the other hears who has it', async () => {
    const mei = await volunteer(world, 'Mei', 'Elder care team', { user: hood.staff, in: hood.committee });
    const { card, taskId } = await taskCard('Gu');
    const presses = await world.emu.together(async () => [
      await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: card.message_id }),
      await mei.press('✋ 我来认领', { in: hood.teams.elder, messageId: card.message_id }),
    ]);
    expect
      .soft(byOutcome(presses, /It's yours/))
      .toEqual([expect.stringMatching(/It's yours/), expect.stringMatching(/^Already taken by (Li|Mei)\. Thank you all the same!$/)]);
    expect.soft(await taskEvents(taskId, 'claimed')).toBe(1);
  });

  /** A task of a new request, claimed by Li, with its private buttons delivered. */
  async function claimedTask(name: string) {
    const t = await taskCard(name);
    await li.press('✋ 我来认领', { in: hood.teams.elder, messageId: t.card.message_id });
    await world.flush();
    return t;
  }

  it('▶️ Start tapped twice: started once', async () => {
    const { taskId } = await claimedTask('He');
    expectOnceThenAlready(await li.press('▶️ Start', { times: 2 }), /^Started/, /already/i);
    expect.soft(await taskEvents(taskId, 'started')).toBe(1);
  });

  it('✅ Done, its last step and the rating, each tapped twice: one note asked, one hours entry, one rating', async () => {
    const { resident, taskId } = await claimedTask('Hu');
    await li.press('▶️ Start');
    world.clock.advance(45 * MINUTE);
    expectOnceThenAlready(await li.press('✅ Done', { times: 2 }), /^$/, /already/i);
    expect.soft(li.inbox().filter((m) => textOf(m).startsWith(`Well done! A short note on task #${taskId}`))).toHaveLength(1);
    await li.send('Bought rice and oil, delivered to the door.');
    await li.press('Skip');
    expectOnceThenAlready(await li.press("👍 That's right", { times: 2 }), /^$/, /Already done/);
    expect.soft(await taskEvents(taskId, 'done')).toBe(1);
    expect.soft(await countOf('hours', 'task_id', taskId)).toBe(1);
    await world.flush();
    expect.soft(resident.inbox().filter((m) => m.buttons().includes('5⭐'))).toHaveLength(1);

    // "(already rated?)" is hedged, but tells the person why nothing happened.
    expectOnceThenAlready(await resident.press('5⭐', { times: 2 }), /^5⭐$/, /already rated/);
    expect.soft(await countOf('ratings', 'task_id', taskId)).toBe(1);
  });

  it('↩️ Release tapped twice: released once, one card back in the group', async () => {
    const { taskId } = await claimedTask('Ivy');
    const before = size(hood.teams.elder);
    expectOnceThenAlready(await li.press('↩️ Release', { times: 2 }), /^$/, /already/i);
    expect.soft(await taskEvents(taskId, 'released')).toBe(1);
    const task = await world.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect.soft(task.released_count).toBe(1);
    await world.flush();
    expect.soft(since(hood.teams.elder, before, new RegExp(`#${taskId}`)).filter((m) => m.buttons().length > 0)).toHaveLength(1);
  });

  it("✅ Approve on a volunteer's sign-up tapped twice: one approval, one invite link", async () => {
    const jin = await world.resident('Jin', { locale: 'en' });
    await jin.send('/volunteer');
    await jin.press('Elder care team');
    await jin.press('➡️ Done choosing');
    await jin.send('cooking');
    await jin.press('Skip');
    await jin.send('13900000001');
    await jin.press('Yes');
    await world.flush();
    const ask = hood.committee
      .messages()
      .filter((m) => textOf(m).includes('Jin') && m.buttons().some((b) => /同意|Approve/.test(b)))
      .at(-1)!;
    const links = world.emu.calls.filter((c) => c.method === 'createChatInviteLink').length;
    const tap = await hood.staff.press(/同意|Approve/, { in: hood.committee, messageId: ask.message_id, times: 2 });
    expectOnceThenAlready(tap, /^Done\.$/, /^This has already been decided\.$/);
    await world.flush();
    expect.soft(world.emu.calls.filter((c) => c.method === 'createChatInviteLink').length).toBe(links + 1);
    expect.soft(jin.inbox().filter((m) => /Welcome to the Elder care team/.test(textOf(m)))).toHaveLength(1);
  });

  it('🙋 Join on a patrol shift tapped twice: one place taken', async () => {
    const pat = await volunteer(world, 'Pat', 'Night patrol', { user: hood.staff, in: hood.committee });
    await hood.staff.send('/shift');
    await hood.staff.press('Night patrol');
    await hood.staff.send('The north gate');
    await hood.staff.press(formatDay(world.clock.now() + DAY, 'en', world.app.deps.config.timezone));
    await hood.staff.send('20:00');
    await hood.staff.press('2 h');
    await hood.staff.press('2');
    await world.flush();
    const card = hood.teams.patrol.last()!;
    const shiftId = Number(/#(\d+)/.exec(card.text!)![1]);
    const tap = await pat.press('🙋 报名', { in: hood.teams.patrol, messageId: card.message_id, times: 2 });
    expectOnceThenAlready(tap, /on the shift/, /^You are already on this shift\.$/);
    const members = await world.db.selectFrom('shift_members').select('user_id').where('shift_id', '=', shiftId).execute();
    expect.soft(members).toEqual([{ user_id: pat.id }]);
    const shift = await world.db.selectFrom('shifts').select('taken').where('id', '=', shiftId).executeTakeFirstOrThrow();
    expect.soft(shift.taken).toBe(1);
  });
});

describe('double taps: notices and events', () => {
  let world: World;
  let mei: EmulatedUser;
  beforeAll(async () => {
    world = await startWorld();
    mei = await world.staff('Mei');
  });
  afterAll(() => world.stop());
  noRefusedCalls(() => world);

  const received = (u: EmulatedUser, words: string) => u.inbox().filter((m) => textOf(m).includes(words));
  /** Staff choose building 6 as the audience and tap Send twice. */
  async function sendToBuilding6Twice(): Promise<PressResult> {
    await mei.press(/Chosen buildings/);
    await mei.press(/Building 6$/);
    await mei.press(/Done/);
    const label = mei
      .last()!
      .buttons()
      .find((b) => b.startsWith('✅ Send to'))!;
    return mei.press(label, { times: 2 });
  }

  it('✅ Send of a notice tapped twice: one broadcast, one notice each', async () => {
    const ana = await world.resident('Ana', { building: 'b6', locale: 'en' });
    await mei.send('/announce');
    await mei.send('Water cut on Friday morning.');
    await mei.press('Skip');
    await mei.press(/Regular notice/);
    expectOnceThenAlready(await sendToBuilding6Twice(), /^$/, /^Already done ✓/);
    await world.flush();
    const rows = await world.db.selectFrom('broadcasts').select('id').where('text', '=', 'Water cut on Friday morning.').execute();
    expect.soft(rows).toHaveLength(1);
    expect.soft(received(ana, 'Water cut on Friday')).toHaveLength(1);
  });

  it("✅ Send of an event tapped twice, then ✅ Going and ❌ Can't go each tapped twice: one event, one invitation, one RSVP", async () => {
    const bo = await world.resident('Bo', { building: 'b6', locale: 'en' });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      world.clock.now() + 3 * DAY,
    );
    await mei.send('/event');
    await mei.send('Tea with neighbours');
    await mei.send('Tea and biscuits in the community room.');
    await mei.send(`${day} 15:00`);
    await mei.send('Community room');
    await mei.send('20');
    await mei.press('Skip');
    expectOnceThenAlready(await sendToBuilding6Twice(), /^$/, /^Already done ✓/);
    await world.flush();
    const events = await world.db.selectFrom('events').selectAll().where('title', '=', 'Tea with neighbours').execute();
    expect.soft(events).toHaveLength(1);
    const invitations = received(bo, 'Tea with neighbours');
    expect(invitations).toHaveLength(1);
    const messageId = invitations[0].message_id;

    expectOnceThenAlready(await bo.press('✅ Going', { messageId, times: 2 }), /^You are going/, /^You are already going/);
    const rsvps = () => world.db.selectFrom('rsvps').select(['status']).where('event_id', '=', events[0].id).execute();
    expect.soft(await rsvps()).toEqual([{ status: 'going' }]);

    const notGoing = await bo.press("❌ Can't go", { messageId, times: 2 });
    expectOnceThenAlready(
      notGoing,
      /Your place goes to the next person/,
      /^You have already said you can't go to “Tea with neighbours”\.$/,
    );
    expect.soft(await rsvps()).toEqual([{ status: 'declined' }]);
    const row = await world.db.selectFrom('events').select('going').where('id', '=', events[0].id).executeTakeFirstOrThrow();
    expect.soft(row.going).toBe(0);
  });
});
