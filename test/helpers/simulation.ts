import { expect } from 'vitest';
import { DAY, MINUTE } from '../../src/clock';
import { createEvent } from '../../src/domain/events';
import { decideMember, signUp } from '../../src/domain/volunteers';
import type { BotMessageView, EmulatedGroup, EmulatedUser, Emulator } from '../../src/sandbox/emulator';
import type { World } from './world';

/**
 * A simulated community day: residents report hazards and ask for help, volunteers claim tasks
 * in their team groups, staff acknowledge reports in the committee group, and everyone chats a
 * little. Personas act through the emulator the way people do: when a step goes wrong (the bot
 * apologised, a button never came) they cancel and try again. What each persona saw confirmed
 * goes into the ledger, which the reliability tests hold the database to.
 */

/** mulberry32: a small seeded generator, so a failing day can be replayed exactly. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface CommunitySize {
  residents: number;
  volunteers: number;
  staff: number;
}

export interface Community {
  world: World;
  staff: EmulatedUser[];
  committee: EmulatedGroup;
  teams: Record<string, EmulatedGroup>;
  residents: EmulatedUser[];
  volunteers: EmulatedUser[];
  /** An event residents can answer (created as /event would; the flow has its own tests). */
  eventId: number;
}

/** The help types the simulation asks for, and the team each one goes to. */
const HELP = [
  { label: 'Errands and shopping', team: 'elder' },
  { label: 'Meal delivery', team: 'elder' },
  { label: 'Appliance repair', team: 'repair' },
] as const;
const HAZARDS = ['Broken street light', 'Rubbish', 'Stairwell clutter', 'Damaged facility', 'Noise', 'Flyers', 'Other'];
export const TEAMS = ['elder', 'repair'] as const;

/** Staff (through /invite), a linked committee group and team groups, residents (through onboarding) and approved volunteers. */
export async function setUpCommunity(world: World, size: CommunitySize, opts: { firstName?: string } = {}): Promise<Community> {
  const prefix = opts.firstName ?? 'P';
  const staff: EmulatedUser[] = [];
  for (let i = 0; i < size.staff; i++) staff.push(await world.staff(`${prefix}Staff${i}`));
  const committee = world.emu.group({ title: '梅园居委会', members: staff });
  await staff[0]!.send('/link committee', { in: committee });
  const teams: Record<string, EmulatedGroup> = {};
  for (const id of TEAMS) {
    teams[id] = world.emu.group({ title: `team ${id}`, members: staff });
    await staff[0]!.send(`/link team ${id}`, { in: teams[id] });
  }
  const residents: EmulatedUser[] = [];
  for (let i = 0; i < size.residents; i++) {
    residents.push(
      await world.resident(`${prefix}Res${i}`, { locale: 'en', building: `b${(i % 6) + 1}`, unit: `${(i % 9) + 1}-${100 + i}` }),
    );
  }
  const volunteers: EmulatedUser[] = [];
  for (let i = 0; i < size.volunteers; i++) {
    const v = await world.resident(`${prefix}Vol${i}`, { locale: 'en', building: `b${(i % 6) + 1}` });
    const team = TEAMS[i % TEAMS.length]!;
    // Approved the way /volunteer and the staff's decision do it (the sign-up flow has its own tests).
    const [m] = await signUp(
      world.db,
      world.clock.now(),
      { userId: v.id, communityId: 'meiyuan', teams: [team], agreedToBeNamed: true },
      async () => undefined,
    );
    await decideMember(world.db, world.clock.now(), m!.id, true, staff[0]!.id, async () => undefined);
    teams[team]!.add(v);
    volunteers.push(v);
  }
  const now = world.clock.now();
  const eventId = await createEvent(world.db, now, {
    communityId: 'meiyuan',
    title: 'Neighbourhood tea party',
    description: 'Tea and snacks',
    place: 'Community hall',
    startsAt: now + 7 * DAY,
    capacity: Math.max(3, Math.floor(size.residents / 3)),
    rsvpDeadline: now + 6 * DAY,
    audience: { kind: 'community' },
    createdBy: staff[0]!.id,
  });
  await world.flush();
  return { world, staff, committee, teams, residents, volunteers, eventId };
}

export interface Ledger {
  /** Report ids (R-number minus 1000) each reporter saw confirmed. */
  reports: Map<number, number>;
  /** Help request ids each requester saw confirmed. */
  requests: Map<number, number>;
  /** Task id → the volunteer who was told "It's yours". */
  claims: Map<number, number>;
  /** Report ids staff saw acknowledged. */
  acks: Set<number>;
  /** Help request ids staff were told they approved. */
  approvals: Set<number>;
  /** Residents told they are going (or on the waiting list) → the event. */
  rsvps: Map<number, number>;
  /** Tasks whose volunteer was thanked for finishing them. */
  done: Set<number>;
  /** Task id → the score its requester saw accepted. */
  ratings: Map<number, number>;
  actions: number;
  /** Attempts that went wrong and were tried again (or given up). */
  retries: number;
  givenUp: number;
  /** Why attempts failed, counted by the first line of the error. */
  troubles: Map<string, number>;
}

export function newLedger(): Ledger {
  return {
    reports: new Map(),
    requests: new Map(),
    claims: new Map(),
    acks: new Set(),
    approvals: new Set(),
    rsvps: new Map(),
    done: new Set(),
    ratings: new Map(),
    actions: 0,
    retries: 0,
    givenUp: 0,
    troubles: new Map(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newestId = (u: EmulatedUser) => u.inbox().at(-1)?.message_id ?? 0;
// A reply is sent before the bot confirms the update, so a short wait suffices; longer means it was lost.
const QUICK = { timeoutMs: 250 };

/** Waits for the bot's next message matching `match` and presses one of its buttons (never a stale one above it). */
async function answer(
  u: EmulatedUser,
  match: RegExp | ((m: BotMessageView) => boolean),
  after: number,
  label: string | RegExp | ((buttons: string[]) => string),
  wait: { timeoutMs: number } = QUICK,
): Promise<void> {
  const m = await u.waitFor(match, { after, ...wait });
  const chosen = typeof label === 'function' ? label(m.buttons()) : label;
  await u.press(chosen, { messageId: m.message_id });
}

/** A resident reports a hazard through /report; resolves with the report id they saw confirmed, or undefined when they added support instead. */
export async function fileReport(u: EmulatedUser, rng: Rng, text: string): Promise<number | undefined> {
  const before = newestId(u);
  await u.send('/report');
  await answer(u, /What kind of hazard/, before, rng.pick(HAZARDS));
  await u.waitFor(/describe/, { after: before, ...QUICK });
  await u.send(text);
  await answer(u, /photos/i, before, 'Skip');
  await answer(u, /Where is it/, before, /In my building/);
  await answer(u, /Where exactly/, before, 'Skip');
  const next = await u.waitFor(/check your report|same issue/, { after: before, ...QUICK });
  if (/same issue/.test(next.text ?? '')) {
    if (rng.chance(0.5)) {
      await u.press(/Same issue/, { messageId: next.message_id });
      await u.waitFor(/You now follow|You already follow/, { after: before, ...QUICK });
      return undefined;
    }
    await u.press('No, this is a different one', { messageId: next.message_id });
  }
  await answer(u, /check your report/, before, '✅ Submit');
  const done = await u.waitFor(/report received: R-\d+/i, { after: before, ...QUICK });
  return Number(/R-(\d+)/.exec(done.text!)![1]) - 1000;
}

/** A report filled in (in English) up to its review, where the Submit button waits. */
export async function reportUpToReview(u: EmulatedUser, category: string, description: string): Promise<void> {
  await u.send('/report');
  await u.press(category);
  await u.send(description);
  await u.press('Skip');
  await u.press(/In my building/);
  await u.press('Skip');
  expect(u.last()!.buttons()).toContain('✅ Submit');
}

/** Staff write a regular notice to the whole community up to its preview; resolves with the label of its Send button. */
export async function announceUpToSend(staff: EmulatedUser, text: string): Promise<string> {
  await staff.send('/announce');
  await staff.send(text);
  await staff.press('Skip');
  await staff.press(/Regular notice/);
  await staff.press('🏘 The whole community');
  return staff
    .last()!
    .buttons()
    .find((b) => /^✅ Send to \d+/.test(b))!;
}

/** The latest time of day offered (earlier ones may have passed today). */
const latestChoice = (buttons: string[]) => buttons.filter((b) => !/Back|Cancel/.test(b)).at(-1)!;

/**
 * A resident asks for help through /request; resolves with the request id they saw confirmed.
 * `paceMs`: a person's pace between steps, for a bot that keeps Telegram's one message a second per chat.
 */
export async function askForHelp(u: EmulatedUser, rng: Rng, text: string, paceMs = 0): Promise<{ id: number; team: string }> {
  const before = newestId(u);
  const wait = paceMs > 0 ? { timeoutMs: 5000 } : QUICK;
  const { team, send } = await requestUpToSend(u, rng, text, paceMs);
  await sleep(paceMs);
  await answer(u, /check your request/, before, send, wait);
  const done = await u.waitFor(/Request #\d+ has been sent/, { after: before, ...wait });
  return { id: Number(/#(\d+)/.exec(done.text!)![1]), team };
}

/** A help request filled in up to its review, where the send button waits; answers the button's label and the team. */
export async function requestUpToSend(u: EmulatedUser, rng: Rng, text: string, paceMs = 0): Promise<{ team: string; send: string }> {
  const help = rng.pick(HELP);
  const before = newestId(u);
  const wait = paceMs > 0 ? { timeoutMs: 5000 } : QUICK;
  const step = async (match: Parameters<typeof answer>[1], label: Parameters<typeof answer>[3]) => {
    await sleep(paceMs);
    await answer(u, match, before, label, wait);
  };
  await u.send('/request');
  await step(/Who needs help/, 'Me');
  await step(/What kind of help/, help.label);
  await u.waitFor(/describe briefly/, { after: before, ...wait });
  await sleep(paceMs);
  await u.send(text);
  // "Today" is offered only while one of today's slots is still ahead, so pick among what is shown.
  await step(/When is it needed/, (shown) => rng.pick(['⚡ As soon as possible', 'Today', 'Tomorrow'].filter((b) => shown.includes(b))));
  const when = await u.waitFor(/What time of day|Where should/, { after: before, ...wait });
  await sleep(paceMs);
  if (/What time of day/.test(when.text ?? '')) await u.press(latestChoice(when.buttons()), { messageId: when.message_id });
  await step(/Where should/, /^My home/);
  await step((m) => /phone/i.test(m.text ?? '') && m.buttons().includes('Skip'), 'Skip');
  await u.waitFor(/check your request/, { after: before, ...wait });
  return { team: help.team, send: '✅ Send the request' };
}

/** Open task cards in a team group: those still showing the Claim button. */
export function openCards(group: EmulatedGroup) {
  return group.messages().filter((m) => m.buttons().some((b) => /认领|Claim/.test(b)));
}

/** A volunteer presses Claim on a card; resolves with the task id when told "It's yours". */
export async function claimCard(v: EmulatedUser, group: EmulatedGroup, rng: Rng): Promise<number | undefined> {
  const cards = openCards(group);
  if (cards.length === 0) return undefined;
  const card = rng.pick(cards);
  const press = await v.press(/认领|Claim/, { in: group, messageId: card.message_id });
  if (!/It's yours/.test(press.answer?.text ?? '')) return undefined;
  return Number(/#(\d+)/.exec(card.text ?? '')![1]);
}

/** Approval cards in the committee group still asking staff (help requests waiting for approval). */
export function waitingApprovals(committee: EmulatedGroup) {
  return committee.messages().filter((m) => (m.text ?? '').startsWith('📝') && m.buttons().includes('✅ 同意'));
}

/** Staff approve a waiting help request (the given one, or any) from its card in the committee group; resolves with its id when told so. */
export async function approveHelp(s: EmulatedUser, committee: EmulatedGroup, rng: Rng, requestId?: number): Promise<number | undefined> {
  const cards = waitingApprovals(committee).filter((m) => requestId === undefined || new RegExp(`#${requestId}(?!\\d)`).test(m.text ?? ''));
  if (cards.length === 0) return undefined;
  const card = rng.pick(cards);
  const press = await s.press('✅ 同意', { in: committee, messageId: card.message_id });
  if (!/Approved/.test(press.answer?.text ?? '')) return undefined;
  return Number(/#(\d+)/.exec(card.text ?? '')![1]);
}

/** Staff acknowledge a new report from its card in the committee group; resolves with its id when the bot said so. */
export async function acknowledge(s: EmulatedUser, committee: EmulatedGroup, rng: Rng): Promise<number | undefined> {
  const cards = committee.messages().filter((m) => m.buttons().includes('👀 受理'));
  if (cards.length === 0) return undefined;
  const card = rng.pick(cards);
  const press = await s.press('👀 受理', { in: committee, messageId: card.message_id });
  if (!/acknowledged/.test(press.answer?.text ?? '')) return undefined;
  return Number(/R-(\d+)/.exec(card.text ?? card.caption ?? '')![1]) - 1000;
}

/** A resident opens /events and answers "Going"; resolves true when told they are going or waiting. */
export async function rsvp(u: EmulatedUser): Promise<boolean> {
  const before = newestId(u);
  await u.send('/events');
  const invitation = await u.waitFor((m) => m.message_id > before && m.buttons().includes('✅ Going'), QUICK);
  const press = await u.press('✅ Going', { messageId: invitation.message_id });
  return /You are going|already going|waiting list/.test(press.answer?.text ?? '');
}

/** A volunteer finishes a task they hold: Start (if not yet), Done, a note, no photo, the measured time. */
export async function finishTask(v: EmulatedUser, taskId: number): Promise<boolean> {
  // "#2" must not find the card of task #21.
  const details = v
    .inbox()
    .filter((m) => m.buttons().includes('✅ Done') && new RegExp(`#${taskId}(?!\\d)`).test(m.text ?? ''))
    .at(-1);
  if (!details) return false;
  const before = newestId(v);
  if (details.buttons().includes('▶️ Start')) await v.press('▶️ Start', { messageId: details.message_id });
  await v.press('✅ Done', { messageId: details.message_id });
  await v.waitFor(/short note on task/, { after: before, ...QUICK });
  await v.send('Done, all good');
  await answer(v, /photo \(optional\)/, before, 'Skip');
  await answer(v, /Time measured from Start/, before, "👍 That's right");
  await v.waitFor(/hours have been counted|wait for the team lead/, { after: before, ...QUICK });
  return true;
}

/** A resident rates help they received (the newest unanswered request to rate); resolves with the task and score accepted. */
export async function rateHelp(u: EmulatedUser, rng: Rng): Promise<{ task: number; score: number } | undefined> {
  const ask = u
    .inbox()
    .filter((m) => m.buttons().includes('5⭐'))
    .at(-1);
  if (!ask) return undefined;
  const score = 3 + rng.int(3);
  const button = ask.reply_markup!.inline_keyboard!.flat().find((b) => b.text === `${score}⭐`) as { callback_data: string };
  const press = await u.press(`${score}⭐`, { messageId: ask.message_id });
  if (press.answer?.text !== `${score}⭐`) return undefined;
  await u.send('Thank you, very kind');
  return { task: Number(button.callback_data.split('|')[1]), score };
}

const CHATTER = ['/help', '/myreports', '/myrequests', '/mydata', 'hello?', '/events', '📋 My reports'];

/**
 * One action by a persona, retried like a person would: on trouble they send /cancel, wait a
 * moment and start over, up to four times.
 */
async function act(ledger: Ledger, u: EmulatedUser, attempt: () => Promise<void>): Promise<void> {
  ledger.actions++;
  for (let i = 0; i < 4; i++) {
    try {
      await attempt();
      return;
    } catch (err) {
      ledger.retries++;
      const why = String(err instanceof Error ? err.message : err)
        .split('\n')[0]!
        .replace(/\d+/g, 'N')
        .slice(0, 90);
      // SIM_DEBUG=1 prints the chat transcript the first time each kind of trouble happens.
      if (process.env.SIM_DEBUG && !ledger.troubles.has(why)) console.log(String(err instanceof Error ? err.message : err).slice(0, 4000));
      ledger.troubles.set(why, (ledger.troubles.get(why) ?? 0) + 1);
      // Told to slow down (src/bot/flood.ts): a person waits a little before trying again.
      const slowed =
        u
          .inbox()
          .slice(-3)
          .some((m) => /sending messages very fast/.test(m.text ?? '')) || /sending messages very fast/.test(why);
      await sleep(slowed ? 2000 : 50 + i * 200);
      await u.send('/cancel').catch(() => undefined);
    }
  }
  ledger.givenUp++;
}

export interface DayOptions {
  actions: number;
  seed: number;
  /** How many personas act at the same time. */
  lanes?: number;
  /** Called after every action (e.g. to kill the bot at random moments). */
  after?: (done: number) => Promise<void>;
}

/** Runs a day of `actions` actions by random personas, several at a time; returns the ledger. */
export async function runDay(c: Community, opts: DayOptions, ledger = newLedger()): Promise<Ledger> {
  const rng = new Rng(opts.seed);
  const busy = new Set<number>();
  let started = 0;
  const lastActed = new Map<number, number>();
  // Someone who acted least recently goes next (one of the three), so nobody floods the bot.
  const free = (people: EmulatedUser[]) => {
    const idle = people.filter((p) => !busy.has(p.id)).sort((a, b) => (lastActed.get(a.id) ?? 0) - (lastActed.get(b.id) ?? 0));
    return idle.length > 0 ? rng.pick(idle.slice(0, 3)) : undefined;
  };
  const one = async (n: number) => {
    const roll = rng.next();
    const who = roll < 0.62 ? free(c.residents) : roll < 0.85 ? free(c.volunteers) : free(c.staff);
    if (!who) return;
    busy.add(who.id);
    try {
      if (c.residents.includes(who)) {
        const r = rng.next();
        if (who.inbox().some((m) => m.buttons().includes('5⭐')) && rng.chance(0.7)) {
          await act(ledger, who, async () => {
            const rated = await rateHelp(who, rng);
            if (rated) ledger.ratings.set(rated.task, rated.score);
          });
        } else if (r < 0.45) {
          await act(ledger, who, async () => {
            const id = await fileReport(who, rng, `Day ${opts.seed} action ${n}: the light in the stairwell flickers`);
            if (id !== undefined) ledger.reports.set(id, who.id);
          });
        } else if (r < 0.55) {
          await act(ledger, who, async () => {
            if (await rsvp(who)) ledger.rsvps.set(who.id, c.eventId);
          });
        } else if (r < 0.8) {
          await act(ledger, who, async () => {
            const { id } = await askForHelp(who, rng, `Action ${n}: please help with groceries`);
            ledger.requests.set(id, who.id);
          });
        } else {
          await act(ledger, who, () => who.send(rng.pick(CHATTER)).then(() => undefined));
        }
      } else if (c.volunteers.includes(who)) {
        const team = Object.values(c.teams).find((g) => g.memberStatus(who) === 'member')!;
        const held = [...ledger.claims].filter(([task, v]) => v === who.id && !ledger.done.has(task)).map(([task]) => task);
        if (held.length > 0 && rng.chance(0.6)) {
          const task = rng.pick(held);
          await act(ledger, who, async () => {
            if (await finishTask(who, task)) ledger.done.add(task);
          });
        } else
          await act(ledger, who, async () => {
            const id = await claimCard(who, team, rng);
            if (id !== undefined) ledger.claims.set(id, who.id);
          });
      } else if (waitingApprovals(c.committee).length > 0 && rng.chance(0.6)) {
        // Residents' help requests wait for staff before volunteers see them.
        await act(ledger, who, async () => {
          const id = await approveHelp(who, c.committee, rng);
          if (id !== undefined) ledger.approvals.add(id);
        });
      } else {
        await act(ledger, who, async () => {
          const id = await acknowledge(who, c.committee, rng);
          if (id !== undefined) ledger.acks.add(id);
        });
      }
    } finally {
      lastActed.set(who.id, n);
      busy.delete(who.id);
    }
    // Time passes: messages waiting for a retry become due.
    if (n % 10 === 0) c.world.clock.advance(MINUTE);
    await opts.after?.(n);
  };
  const lanes = Array.from({ length: opts.lanes ?? 6 }, async () => {
    while (started < opts.actions) await one(++started);
  });
  await Promise.all(lanes);
  return ledger;
}

/**
 * Lets time pass until the outbox holds nothing pending: retries wait on the test clock, and a
 * busy group chat takes a message a second (Telegram's pace), so a big day takes a while.
 */
export async function drainOutbox(world: World, opts: { maxMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.maxMs ?? 15 * 60_000);
  const pending = async () =>
    Number(
      (
        await world.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
      ).n,
    );
  while (Date.now() < deadline) {
    await world.flush().catch(() => undefined); // "did not drain in time": keep going while it moves
    if ((await pending()) === 0) return;
    world.clock.advance(2 * MINUTE);
  }
  throw new Error(`the outbox still holds ${await pending()} pending messages`);
}

/** Every report, request, claim and acknowledgement a persona saw confirmed is in the database. */
export async function expectLedgerKept(db: World['db'], ledger: Ledger): Promise<void> {
  for (const [id, reporter] of ledger.reports) {
    const r = await db.selectFrom('reports').select(['id', 'reporter_id']).where('id', '=', id).executeTakeFirst();
    expect(r, `report ${id} confirmed to ${reporter}`).toMatchObject({ reporter_id: reporter });
  }
  for (const [id, requester] of ledger.requests) {
    const r = await db.selectFrom('help_requests').select(['id', 'requester_id']).where('id', '=', id).executeTakeFirst();
    expect(r, `request ${id} confirmed to ${requester}`).toMatchObject({ requester_id: requester });
  }
  for (const [id, volunteer] of ledger.claims) {
    const t = await db.selectFrom('tasks').select(['id', 'claimed_by']).where('id', '=', id).executeTakeFirst();
    expect(t, `task ${id} claimed by ${volunteer}`).toMatchObject({ claimed_by: volunteer });
  }
  for (const [user, event] of ledger.rsvps) {
    const r = await db.selectFrom('rsvps').select('status').where('event_id', '=', event).where('user_id', '=', user).executeTakeFirst();
    expect(r?.status, `rsvp of ${user}`).toMatch(/going|waiting/);
  }
  for (const id of ledger.done) {
    const t = await db.selectFrom('tasks').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(t.status, `task ${id} done`).toBe('done');
  }
  for (const [task, score] of ledger.ratings) {
    const r = await db.selectFrom('ratings').select('score').where('task_id', '=', task).executeTakeFirst();
    expect(r?.score, `rating of task ${task}`).toBe(score);
  }
  for (const id of ledger.approvals) {
    const r = await db.selectFrom('help_requests').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(r.status, `request ${id} approved`).not.toMatch(/pending|declined/);
  }
  for (const id of ledger.acks) {
    const r = await db.selectFrom('reports').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(r.status, `report ${id} acknowledged`).not.toBe('new');
  }
}

/** What identifies one outbox message in the emulator's record: its chat and its text. */
export const outboxKey = (chat: unknown, text: unknown) => `${String(chat)}\u0000${String(text)}`;

/** The outbox rows leased by a sender right now (calls possibly in flight), as outbox keys. */
export async function inFlightRows(db: World['db']): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['chat_id', 'payload'])
    .where('status', '=', 'pending')
    .where('lease_owner', 'is not', null)
    .execute();
  return rows.map((r) => {
    const p = JSON.parse(r.payload) as { text?: string; caption?: string };
    return outboxKey(r.chat_id, p.text ?? p.caption);
  });
}

/**
 * Every outbox message reached its chat exactly once, or is recorded as failed with a reason:
 * the emulator's successful sends of each (chat, text) match the rows marked sent.
 */
export async function expectOutboxDeliveredOnce(
  world: Pick<World, 'db' | 'emu'>,
  /** Rows in flight when the process was killed (see src/delivery/sender.ts): these may arrive twice. */
  window: Set<string> = new Set(),
): Promise<{ sent: number; failed: number; duplicates: number }> {
  const emu: Emulator = world.emu;
  const rows = await world.db.selectFrom('outbox').select(['chat_id', 'method', 'payload', 'status', 'error', 'message_id']).execute();
  expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
  const failed = rows.filter((r) => r.status === 'failed' || r.status === 'unreachable');
  for (const r of failed) expect(r.error, `outbox row to ${r.chat_id} failed without a reason`).toBeTruthy();
  const sentRows = new Map<string, number>();
  for (const r of rows) {
    if (r.method !== 'sendMessage' && r.method !== 'sendPhoto') continue;
    const p = JSON.parse(r.payload) as { text?: string; caption?: string };
    const k = outboxKey(r.chat_id, p.text ?? p.caption);
    if (!sentRows.has(k)) sentRows.set(k, 0);
    if (r.status === 'sent') sentRows.set(k, sentRows.get(k)! + 1);
  }
  const okCalls = new Map<string, number>();
  for (const call of emu.calls) {
    if (!call.ok || (call.method !== 'sendMessage' && call.method !== 'sendPhoto')) continue;
    const k = outboxKey(call.params.chat_id, call.params.text ?? call.params.caption);
    if (sentRows.has(k)) okCalls.set(k, (okCalls.get(k) ?? 0) + 1);
  }
  const duplicates = [...sentRows].filter(([k, n]) => window.has(k) && okCalls.get(k) === n + 1).length;
  const wrong = [...sentRows]
    .filter(([k, n]) => (okCalls.get(k) ?? 0) !== n && !(window.has(k) && okCalls.get(k) === n + 1))
    .map(([k, n]) => `${k.replace('\u0000', ': ').slice(0, 120)} — sent rows ${n}, delivered ${okCalls.get(k) ?? 0}`);
  expect(wrong).toEqual([]);
  return { sent: rows.filter((r) => r.status === 'sent').length, failed: failed.length, duplicates };
}

/**
 * No resident's name or unit appears in any group message or log line. (Volunteers are named in
 * groups when they agree to be; residents never are.)
 */
export async function expectNothingPersonal(c: Community, logLines: string[]): Promise<void> {
  const people = await c.world.db
    .selectFrom('users')
    .select(['id', 'first_name', 'unit', 'phone'])
    .where(
      'id',
      'in',
      c.residents.map((r) => r.id),
    )
    .execute();
  const secrets = people.flatMap((p) => [p.first_name, p.unit, p.phone]).filter((s): s is string => Boolean(s));
  const groupTexts = c.world.emu
    .allBotMessages()
    .filter((m) => m.chat_id < 0)
    .map((m) => `${m.text ?? ''}\n${m.caption ?? ''}\n${m.raw ?? ''}`);
  expect(groupTexts.length).toBeGreaterThan(0);
  // Whole words only: "PRes1" must not match inside "PRes12".
  const leaks = (texts: string[]) =>
    secrets.filter((s) => texts.some((t) => new RegExp(`(^|[^\\w-])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(t)));
  expect(leaks(groupTexts), 'in a group chat').toEqual([]);
  expect(leaks(logLines), 'in the logs').toEqual([]);
}
