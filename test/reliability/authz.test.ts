import { afterAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/clock';
import { createEvent } from '../../src/domain/events';
import { answerQuestion, createQuestion } from '../../src/domain/ask';
import { bookSlot } from '../../src/domain/bookings';
import { createPoll } from '../../src/domain/polls';
import { createShift } from '../../src/domain/shifts';
import { offerSlot, takeSlot } from '../../src/domain/duty';
import { applyGrant, setGridRole } from '../../src/domain/grid';
import { atLeast } from '../../src/domain/roles';
import { createUnit } from '../../src/domain/units';
import { moveReport } from '../../src/features/hazards/services';
import { decideMember, ensureLead, signUp } from '../../src/domain/volunteers';
import type { EmulatedChat, EmulatedGroup, EmulatedUser } from '../../src/sandbox/emulator';
import type { Role } from '../../src/store/schema';
import { codecsInSource, snapshot, unauthorisedChanges } from '../helpers/hostile';
import { approveHelp, askForHelp, drainOutbox, fileReport, Rng, waitingApprovals } from '../helpers/simulation';
import { startWorld, type World } from '../helpers/world';
import { wallClock } from '../../src/zoned-time';

/**
 * Who may do what: every command above resident level (read from the bot itself, so new ones
 * are covered) and every staff, lead and admin button, against every role — including staff
 * of another community. Each cell is one test; a refusal changes nothing in the database.
 */

type Who =
  'resident' | 'volunteer' | 'lead' | 'grid worker' | 'building head' | 'unit contact' | 'staff of another community' | 'staff' | 'admin';
const WHO: Who[] = [
  'resident',
  'volunteer',
  'lead',
  'grid worker',
  'building head',
  'unit contact',
  'staff of another community',
  'staff',
  'admin',
];
/** Grid workers, building heads and unit contacts hold a duty, not a role (domain/grid.ts): they are residents. */
const DUTIES: readonly Who[] = ['grid worker', 'building head', 'unit contact'];
const roleOf = (who: Who): Role => (who === 'staff of another community' ? 'staff' : DUTIES.includes(who) ? 'resident' : (who as Role));
/** Those who answer for places (building 2's grid worker, the unit whose frontage is building 3) have /reports for them. */
const ANSWER_FOR_PLACES: readonly Who[] = ['grid worker', 'unit contact'];
const REFUSED = /not allowed|only staff of this community|Only approved members|Only the committee.s staff|Only the team('s)? lead/;

let world!: World;
const people = {} as Record<Who, EmulatedUser>;
let committee: EmulatedGroup;

let made = 0;
/**
 * A fresh resident, volunteer (approved in the elder team) or lead (of the elder team) for each
 * cell: the flood guard would otherwise slow one persona pressing dozens of buttons in a second.
 * Staff and admins are never slowed, so they stay the same people.
 */
async function newPerson(who: Who): Promise<EmulatedUser> {
  if (who !== 'resident' && who !== 'volunteer' && who !== 'lead' && !DUTIES.includes(who)) return people[who];
  const now = world.clock.now();
  const user = await world.resident(`${who} ${++made}`, { locale: 'en' });
  // Each is someone else's place than the report's (building 1): building 2's grid worker and head, building 3's unit.
  if (who === 'grid worker' || who === 'building head')
    await setGridRole(world.db, now, {
      communityId: 'meiyuan',
      buildingId: 'b2',
      kind: who === 'grid worker' ? 'worker' : 'head',
      userId: user.id,
    });
  if (who === 'unit contact') {
    const unit = await createUnit(world.db, now, {
      communityId: 'meiyuan',
      name: `Unit ${made}`,
      buildingIds: ['b3'],
      by: people.staff.id,
    });
    await applyGrant(world.db, now, user.id, 'meiyuan', `unit:${unit}`);
  }
  if (who === 'volunteer') {
    const [m] = await signUp(
      world.db,
      now,
      { userId: user.id, communityId: 'meiyuan', teams: ['elder'], agreedToBeNamed: true },
      async () => undefined,
    );
    await decideMember(world.db, now, m!.id, true, people.staff.id, async () => undefined);
  }
  if (who === 'lead') {
    await ensureLead(world.db, now, user.id, 'meiyuan', 'elder');
    await world.db.updateTable('users').set({ role: 'lead' }).where('id', '=', user.id).execute();
  }
  return user;
}

/** A privileged button: its payload on a real thing, where it is pressed, and who may press it. */
interface ButtonSpec {
  name: string;
  allowed: Who[];
  data: string;
  in?: EmulatedChat;
  messageId?: number;
}
const buttons: ButtonSpec[] = [];

// The world is built while the tests are collected, so that each button and command names its own test.
await (async () => {
  world = await startWorld({ sender: { globalPerSecond: 200, privatePerSecond: 20, groupPerMinute: 6000 } });
  const now = () => world.clock.now();
  people.staff = await world.staff('Sam');
  people['staff of another community'] = await world.staff('Olga', { community: 'guihua' });
  people.admin = world.admin();
  people.resident = await world.resident('Rita', { locale: 'en', unit: '2-201' });
  people.volunteer = await newPerson('volunteer');
  people.lead = await newPerson('lead');

  committee = world.emu.group({ title: '梅园居委会', members: [people.staff] });
  await people.staff.send('/link committee', { in: committee });
  const elder = world.emu.group({ title: 'elder', members: [people.staff] });
  await people.staff.send('/link team elder', { in: elder });

  // A report and its card in the committee group: every button on the card.
  const rng = new Rng(1);
  const asker = await world.resident('Ada', { locale: 'en', unit: '5-501' });
  const reportId = (await fileReport(asker, rng, 'The fire door on floor 3 is locked'))!;
  await drainOutbox(world);
  const card = committee.messages().find((m) => (m.text ?? m.caption ?? '').includes(`R-${reportId + 1000}`))!;
  for (const b of card.reply_markup!.inline_keyboard!.flat()) {
    buttons.push({
      name: `report card "${b.text}"`,
      allowed: ['staff', 'admin'],
      data: (b as { callback_data: string }).callback_data,
      in: committee,
      messageId: card.message_id,
    });
  }
  buttons.push({ name: 'open a report card (ho)', allowed: ['staff', 'admin'], data: `ho|${reportId}` });
  buttons.push({ name: 'back to the report card (hb)', allowed: ['staff', 'admin'], data: `hb|${reportId}` });
  buttons.push({ name: 'assign a report to a team (ha)', allowed: ['staff', 'admin'], data: `ha|${reportId}|t|elder` });
  buttons.push({ name: 'reject a report as a duplicate (hr)', allowed: ['staff', 'admin'], data: `hr|${reportId}|duplicate|999` });
  buttons.push({
    name: 'report queue filter (hl)',
    allowed: ['grid worker', 'unit contact', 'staff of another community', 'staff', 'admin'],
    data: 'hl|open||meiyuan|0|0',
  });

  // A help request's task, hours waiting for approval, a volunteer waiting for a decision.
  let task: { id: number } | undefined;
  while (!task) {
    const { id } = await askForHelp(asker, rng, 'Please fetch medicine');
    await drainOutbox(world);
    await approveHelp(people.staff, committee, rng, id);
    task = await world.db.selectFrom('tasks').select('id').where('request_id', '=', id).where('team_id', '=', 'elder').executeTakeFirst();
  }
  // Help requests waiting for staff approval: one to approve, one to decline, from their cards.
  // (Another resident asks: the flood guard would slow Ada down after so many presses.)
  const bea = await world.resident('Bea', { locale: 'en', unit: '6-601' });
  const waiting = [(await askForHelp(bea, rng, 'Please buy bread')).id, (await askForHelp(bea, rng, 'Please buy milk')).id];
  await drainOutbox(world);
  const approvalCard = (id: number) => waitingApprovals(committee).find((m) => new RegExp(`#${id}(?!\\d)`).test(m.text ?? ''))!;
  buttons.push({
    name: 'approve a help request (pa)',
    allowed: ['staff', 'admin'],
    data: `pa|${waiting[0]}|y`,
    in: committee,
    messageId: approvalCard(waiting[0]!).message_id,
  });
  buttons.push({
    name: 'decline a help request (pd)',
    allowed: ['staff', 'admin'],
    data: `pd|${waiting[1]}|not_offered`,
    in: committee,
    messageId: approvalCard(waiting[1]!).message_id,
  });
  buttons.push({ name: 'staff task action: repost (px)', allowed: ['staff', 'admin'], data: `px|${task.id}|p` });
  // A task its team's lead assigns to a member (mediation and legal advice never go to a public card).
  let assignable: { id: number } | undefined;
  while (!assignable) {
    const { id } = await askForHelp(asker, rng, 'Please help with a form');
    await drainOutbox(world);
    await approveHelp(people.staff, committee, rng, id);
    assignable = await world.db
      .selectFrom('tasks')
      .select('id')
      .where('request_id', '=', id)
      .where('team_id', '=', 'elder')
      .executeTakeFirst();
  }
  buttons.push({
    name: 'assign a task to a member (pg)',
    allowed: ['lead', 'staff', 'admin'],
    data: `pg|${assignable.id}|${people.volunteer.id}`,
  });
  // A patrol shift of the elder team that has ended: its lead (or staff) confirms who came.
  const shift = await createShift(
    world.db,
    now(),
    {
      communityId: 'meiyuan',
      teamId: 'elder',
      zone: 'gate',
      startsAt: now() - 3 * HOUR,
      endsAt: now() - HOUR,
      places: 2,
      createdBy: people.staff.id,
    },
    async () => undefined,
  );
  buttons.push({
    name: 'mark attendance on a shift (pw)',
    allowed: ['lead', 'staff', 'admin'],
    data: `pw|${shift.id}|${people.volunteer.id}`,
  });
  buttons.push({ name: 'confirm a shift’s attendance (pk)', allowed: ['lead', 'staff', 'admin'], data: `pk|${shift.id}` });
  const hours = await world.db
    .insertInto('hours')
    .values({
      volunteer_id: people.volunteer.id,
      community_id: 'meiyuan',
      task_id: task.id,
      shift_id: null,
      minutes: 600,
      corrected_minutes: 900,
      approved: 0,
      at: now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  buttons.push({ name: 'approve corrected hours (ph)', allowed: ['lead', 'staff', 'admin'], data: `ph|${hours.id}|1` });
  const wanna = await world.resident('Wen', { locale: 'en' });
  const [pending] = await signUp(
    world.db,
    now(),
    { userId: wanna.id, communityId: 'meiyuan', teams: ['elder'], agreedToBeNamed: true },
    async () => undefined,
  );
  buttons.push({ name: 'approve a volunteer (pv)', allowed: ['lead', 'staff', 'admin'], data: `pv|${pending!.id}|1` });

  // A broadcast in progress, an event that has started.
  const s = people.staff;
  await s.send('/announce');
  await s.send('Lift maintenance on Monday');
  await s.press('Skip');
  await s.press(/Regular notice/);
  await s.press('🏘 The whole community');
  await s.press(/^✅ Send to/);
  const broadcast = await world.db.selectFrom('broadcasts').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  buttons.push({ name: 'stop a broadcast (bc)', allowed: ['staff', 'admin'], data: `bc|stop|${broadcast.id}` });
  const eventId = await createEvent(world.db, now(), {
    communityId: 'meiyuan',
    title: 'Tea party',
    description: 'Tea',
    place: 'Hall',
    startsAt: now() - HOUR,
    capacity: null,
    rsvpDeadline: now() - 2 * HOUR,
    audience: { kind: 'community' },
    createdBy: s.id,
  });
  buttons.push({ name: "an event's list (ev list)", allowed: ['staff', 'admin'], data: `ev|list|${eventId}` });
  buttons.push({ name: 'ask attendees to rate (ev rate)', allowed: ['staff', 'admin'], data: `ev|rate|${eventId}` });
  buttons.push({ name: 'mark attendance (eva)', allowed: ['staff', 'admin'], data: `eva|${eventId}|${people.resident.id}` });
  // A linked group's language, in a group of its own (the /link cells move the committee's link).
  const repair = world.emu.group({ title: 'repair', members: [people.staff] });
  await people.staff.send('/link team repair', { in: repair });
  buttons.push({ name: "a group's language (glang)", allowed: ['staff', 'admin'], data: 'glang|en', in: repair });
  // A closed selection round: the next round is started by staff of its community.
  const round = await createPoll(world.db, now() - 2 * HOUR, {
    communityId: 'meiyuan',
    question: 'Best balcony garden',
    options: ['A', 'B', 'C'],
    multiple: false,
    anonymous: false,
    perHousehold: false,
    resultsAfterVote: false,
    audience: { kind: 'community' },
    closesAt: now() - HOUR,
    createdBy: s.id,
    round: 1,
    keepTop: 2,
  });
  await world.db
    .updateTable('polls')
    .set({ status: 'closed', closed_at: now() - HOUR })
    .where('id', '=', round)
    .execute();
  buttons.push({ name: 'start the next round of a selection (vn)', allowed: ['staff', 'admin'], data: `vn|${round}` });
  // A question waiting for an answer, one answered (for "Add to FAQ"), a booking of the service hall, a service point.
  const ask = (text: string) =>
    createQuestion(world.db, now(), {
      communityId: 'meiyuan',
      buildingId: 'b1',
      askerId: asker.id,
      kind: 'question',
      topic: 'other',
      text,
    });
  const waitingQuestion = await ask('When is the library open?');
  const answeredQuestion = await ask('Where is the health station?');
  await answerQuestion(world.db, now(), answeredQuestion.id, s.id, 'At 90 Meiyuan Road.');
  buttons.push({ name: 'answer a question (qa)', allowed: ['staff', 'admin'], data: `qa|${waitingQuestion.id}` });
  buttons.push({ name: 'turn an answer into an FAQ entry (qf)', allowed: ['staff', 'admin'], data: `qf|${answeredQuestion.id}` });
  // /questions and /bookings show the presser's own community: staff of another community see theirs (not refused).
  buttons.push({ name: 'a page of /questions (ql)', allowed: ['staff of another community', 'staff', 'admin'], data: 'ql|1|0' });
  const hall = world.app.deps.communities.bookableService('meiyuan', 'hall')!;
  const booked = await bookSlot(
    world.db,
    now(),
    { communityId: 'meiyuan', service: hall, userId: asker.id, start: now() + HOUR },
    'Asia/Shanghai',
  );
  if (!booked.ok) throw new Error('the booking for the attendance cells was refused');
  buttons.push({ name: 'mark who came to a booking (ka)', allowed: ['staff', 'admin'], data: `ka|${booked.booking.id}|n` });
  const today = wallClock(now(), 'Asia/Shanghai');
  buttons.push({
    name: 'another day of /bookings (kd)',
    allowed: ['staff of another community', 'staff', 'admin'],
    data: `kd|${today.year * 10000 + today.month * 100 + today.day}`,
  });
  // A point of the presser's own community: staff of another community find no such point there (stale, not refused).
  buttons.push({
    name: "change a service point's hours (se)",
    allowed: ['staff of another community', 'staff', 'admin'],
    data: 'se|office|hours',
  });
  // The workbench: a certificate for a volunteer; revoking staff (admins) and leads, removing a member, on targets of their own.
  buttons.push({ name: "a volunteer's certificate (wbc)", allowed: ['staff', 'admin'], data: `wbc|${people.volunteer.id}` });
  const staffTarget = await world.staff('Target staff');
  buttons.push({ name: 'revoke a staff member (wbrs)', allowed: ['admin'], data: `wbrs|${staffTarget.id}` });
  const membershipOf = async (u: EmulatedUser) =>
    (await world.db.selectFrom('team_members').select('id').where('user_id', '=', u.id).executeTakeFirstOrThrow()).id;
  buttons.push({
    name: 'revoke a team lead (wbrl)',
    allowed: ['staff', 'admin'],
    data: `wbrl|${await membershipOf(await newPerson('lead'))}`,
  });
  // A grid duty nobody holds (nothing to take back): staff get "already done", others are refused.
  buttons.push({ name: 'revoke a grid duty (wbrg)', allowed: ['staff', 'admin'], data: `wbrg|meiyuan|b9|worker|${people.volunteer.id}` });
  buttons.push({ name: "a team's members (wbtm)", allowed: ['staff', 'admin'], data: 'wbtm|meiyuan|elder|0' });
  buttons.push({
    name: 'remove a member (wbrm)',
    allowed: ['staff', 'admin'],
    data: `wbrm|${await membershipOf(await newPerson('volunteer'))}`,
  });
  buttons.push({ name: 'summary: community (sumc)', allowed: ['staff', 'admin'], data: 'sumc|meiyuan' });
  buttons.push({ name: 'summary: earlier weeks (sume)', allowed: ['staff', 'admin'], data: 'sume|meiyuan' });
  buttons.push({ name: 'summary: a week (sumw)', allowed: ['staff', 'admin'], data: 'sumw|meiyuan|0' });
  // Issue 18: /grid, /duty, /units and hand-ups.
  const staffish: Who[] = ['staff of another community', 'staff', 'admin'];
  buttons.push({ name: 'invite a grid worker (gi)', allowed: staffish, data: 'gi|worker|b1' });
  buttons.push({ name: 'name the community head (gh)', allowed: ['admin'], data: `gh|${people.staff.id}|1` });
  buttons.push({ name: 'take a duty slot (dt)', allowed: staffish, data: 'dt|1|day' });
  buttons.push({ name: 'hand a duty slot over (dh)', allowed: staffish, data: 'dh|1|day' });
  buttons.push({ name: 'offer a duty slot to a colleague (do)', allowed: staffish, data: `do|1|day|${people.staff.id}` });
  // A hand-over offered to Sam: only Sam may answer it.
  await takeSlot(world.db, now(), 'meiyuan', { weekday: 7, period: 'night' }, people.admin.id);
  const handover = await world.db
    .transaction()
    .execute((tx) => offerSlot(tx, now(), 'meiyuan', { weekday: 7, period: 'night' }, people.admin.id, people.staff.id));
  buttons.push({ name: 'answer a duty hand-over (da)', allowed: ['staff'], data: `da|${handover}|n` });
  const unitId = await createUnit(world.db, now(), { communityId: 'meiyuan', name: 'Bank', buildingIds: ['b4'], by: people.staff.id });
  buttons.push({ name: "invite a unit's contact (ui)", allowed: ['staff', 'admin'], data: `ui|${unitId}` });
  buttons.push({ name: "choose a unit's frontage anew (uf)", allowed: ['staff', 'admin'], data: `uf|${unitId}` });
  buttons.push({ name: 'register a partner unit (un)', allowed: ['staff', 'admin'], data: 'un|meiyuan' });
  const handedUpId = (await fileReport(
    await world.resident('Carl', { locale: 'en', unit: '7-701' }),
    rng,
    'The street light at the gate is broken',
  ))!;
  const sam = { id: people.staff.id, role: 'staff' as const, communityId: 'meiyuan' };
  await moveReport(world.app.deps, handedUpId, 'hand_up', sam, { note: 'street: JD-1', handedTo: 'street', handedRef: 'JD-1' });
  buttons.push({ name: "record a hand-up's answer (hu)", allowed: ['staff', 'admin'], data: `hu|${handedUpId}|pending` });
  await drainOutbox(world);
})();
const commands = world.app.built.commands.filter((c) => !atLeast('resident', c.minRole));

afterAll(async () => {
  // Several roles press the very same button on one message here, so an edit may repeat what the
  // message already shows; Telegram answers "message is not modified" and the handlers ignore it.
  const wrong = world.emu.rejected.filter((c) => !/message is not modified/.test(c.error?.description ?? ''));
  expect(wrong.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
  await world.stop();
});

describe('commands above resident level', () => {
  it('are listed by the bot', () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['invite', 'link', 'reports', 'announce', 'summary']));
  });

  const cells = commands.flatMap((cmd) =>
    WHO.map((who) => ({
      cmd,
      who,
      allowed:
        (atLeast(roleOf(who), cmd.minRole) || (cmd.name === 'reports' && ANSWER_FOR_PLACES.includes(who))) &&
        !(cmd.name === 'link' && who === 'staff of another community'),
    })),
  );
  it.each(cells)('/$cmd.name ($cmd.minRole) by $who', async ({ cmd, who, allowed }) => {
    const user = await newPerson(who);
    // /link names this community, so staff of another community must be refused.
    const text = cmd.name === 'link' ? '/link committee meiyuan' : `/${cmd.name}`;
    const chat = cmd.chat === 'group' ? world.emu.group({ title: `${cmd.name} ${who}`, members: [user] }) : undefined;
    const before = await snapshot(world.db);
    const sent = await user.send(text, { in: chat });
    const reply = await (chat ?? user).waitFor(() => true, { after: sent.message_id });
    expect(REFUSED.test(reply.text ?? ''), `reply: ${reply.text}`).toBe(!allowed);
    if (!allowed) expect(unauthorisedChanges(before, await snapshot(world.db), new Set())).toEqual([]);
    await user.send('/cancel');
  });
});

describe('staff, lead and admin buttons', () => {
  it("cover every button codec in the source that is not a resident's own", () => {
    const tested = new Set(buttons.map((b) => b.data.split('|')[0]));
    // Buttons anyone may press on their own things (the handlers check ownership; the hostile-input test forges them).
    // A resident's or member's own buttons (their own shift attendance, pq, like joining one).
    // A poll's ticks, vote and standings (vt, vv, vr) are every recipient's own, as are an anonymous voter's ticks and change with their receipt (vc, vx).
    // The asker's reply to an answer (qr) and cancelling one's booking (kc) are their own; a service point (sp) is anyone's to open.
    const residents = new Set([
      'qr',
      'kc',
      'sp',
      'f',
      'lang',
      'del',
      'sub',
      'pc',
      'pt',
      'pr',
      'pm',
      'pj',
      'pl',
      'pq',
      'hm',
      'hf',
      'hq',
      'evr',
      'vt',
      'vv',
      'vr',
      'vc',
      'vx',
    ]);
    const unclassified = codecsInSource()
      .map((c) => c.prefix)
      .filter((p) => !tested.has(p) && !residents.has(p));
    expect(unclassified, "a new button codec: add it to the table above (or to the residents' list)").toEqual([]);
  });

  // Within each button, refusals come first (WHO is ordered), so an allowed press cannot make a later refusal pass for a stale reason.
  it.each(buttons.flatMap((spec) => WHO.map((who) => ({ spec, who, name: spec.name }))))('$name pressed by $who', async ({ spec, who }) => {
    const user = await newPerson(who);
    const allowed = spec.allowed.includes(who);
    const before = await snapshot(world.db);
    const press = await user.pressData(spec.data, { in: spec.in, messageId: spec.messageId });
    const text = press.answer?.text ?? '';
    expect(REFUSED.test(text), `${spec.name} by ${who}: "${text}"`).toBe(!allowed);
    if (!allowed) expect(unauthorisedChanges(before, await snapshot(world.db), new Set()), spec.name).toEqual([]);
    await user.send('/cancel');
  });
});

describe('groups linked to a community', () => {
  it('cannot be taken over by staff of another community', async () => {
    const olga = people['staff of another community'];
    // (The /link cells above moved the link; the committee's own staff link the group again.)
    await people.staff.send('/link committee', { in: committee });
    committee.add(olga);
    await olga.send('/link committee', { in: committee });
    expect(committee.last()!.text).toMatch(REFUSED);
    const link = await world.db.selectFrom('chat_links').selectAll().where('chat_id', '=', committee.id).executeTakeFirstOrThrow();
    expect(link.community_id).toBe('meiyuan');
  });
});
