import { mkdirSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { formatLocalTime } from '../src/domain/events';
import { changeButton, pickAgainButton } from '../src/features/polls/buttons';
import type { BotMessageView, EmulatedUser } from '../src/sandbox/emulator';
import { volunteer } from './help-support';
import { startWorld, type World } from './helpers/world';

/**
 * Issue 20, resident votes: staff create polls with /poll, residents vote with the buttons, a
 * household votes once, a named vote changes, an anonymous one leaves nothing that names a
 * choice and changes only with the receipt in its voter's message, the result and its chart
 * reach the committee group on time, a selection runs in two rounds, and polls reach a team,
 * all volunteers or a topic's subscribers. (The 2,000-recipient run is in
 * test/polls-scale.test.ts; the anonymity on PostgreSQL in test/polls-postgres.test.ts.)
 */

const TZ = 'Asia/Shanghai';
let world: World;
let mei: EmulatedUser;
let group: ReturnType<World['emu']['group']>;

beforeAll(async () => {
  world = await startWorld();
  mei = await world.staff('Mei');
  group = world.emu.group({ title: '梅园居委会', admins: [mei] });
  await mei.send('/link committee', { in: group });
});
afterAll(async () => {
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await world.stop();
  }
});

interface PollSpec {
  question: string;
  options: string[];
  multiple?: boolean;
  anonymous?: boolean;
  household?: boolean;
  resultsAfterVote?: boolean;
  /** From now. */
  closesIn?: number;
  keepTop?: number;
  /** The audience: a building's number, or a volunteer team's, all volunteers' or a topic's subscribers' button. */
  building?: string;
  team?: string;
  volunteers?: boolean;
  topic?: string;
}

/** The audience step as staff press it. */
async function chooseAudience(p: PollSpec) {
  if (p.team) return pressAll(/One volunteer team/, p.team);
  if (p.volunteers) return pressAll(/All volunteers/);
  if (p.topic) return pressAll(/Subscribers of a topic/, p.topic);
  return pressAll(/Chosen buildings/, new RegExp(`Building ${p.building}$`), /Done/);
}

const pressAll = async (...labels: (string | RegExp)[]) => {
  for (const label of labels) await mei.press(label);
};

/** The closing time as staff type it: a whole minute, in the staff member's (English) form. */
const closingTime = (fromNow: number) => {
  const at = Math.ceil((world.clock.now() + fromNow) / MINUTE) * MINUTE;
  return { at, typed: formatLocalTime(at, 'en', TZ) };
};

/** /poll through every step to the preview, for its audience; returns the preview's recipient count and the closing time. */
async function pollUpToPreview(p: PollSpec): Promise<{ count: number; closesAt: number }> {
  await mei.send('/poll');
  await mei.send(p.question);
  await mei.send(p.options.join('\n'));
  await mei.press(p.multiple ? /Several/ : /One$/);
  await mei.press(p.anonymous ? /Anonymous/ : /Named/);
  await mei.press(p.household ? /One vote per household/ : /Every person/);
  await mei.press(p.resultsAfterVote ? /As soon as they have voted/ : /Only when the poll closes/);
  const closes = closingTime(p.closesIn ?? 2 * DAY);
  await mei.send(closes.typed);
  await mei.press(p.keepTop ? `Yes: the top ${p.keepTop} go on` : /No, this vote decides/);
  await chooseAudience(p);
  const count = Number(/Recipients: (\d+)/.exec(mei.last()!.text!)![1]);
  return { count, closesAt: closes.at };
}

async function createPoll(p: PollSpec) {
  const preview = await pollUpToPreview(p);
  await mei.press(`✅ Send to ${preview.count}`);
  await world.flush();
  const row = await world.db.selectFrom('polls').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { ...preview, id: row.id };
}

/** The poll message in a resident's chat (the latest one with this question). */
const pollMessage = (u: EmulatedUser, question: string) =>
  u
    .inbox()
    .filter((m) => (m.text ?? '').includes(question) && m.reply_markup)
    .at(-1)!;

/** Ticks the options (by their labels) on the poll message and presses Vote (or Change my vote). */
async function vote(u: EmulatedUser, question: string, ...labels: string[]) {
  const messageId = pollMessage(u, question).message_id;
  for (const label of labels) await u.press(new RegExp(`^⬜ \\d+\\. ${label}`), { messageId });
  return u.press(/🗳 (Vote|Change my vote|投票|修改我的投票)/, { messageId });
}

const buttonsOf = (m: { reply_markup?: { inline_keyboard?: { text: string }[][] } }) =>
  (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);

const talliesOf = async (pollId: number) =>
  (await world.db.selectFrom('poll_tallies').select('votes').where('poll_id', '=', pollId).orderBy('option').execute()).map((r) => r.votes);

describe('one vote per household', () => {
  it('a household votes once; a second member hears the household has voted and sees the results, but cannot vote or see the choice', async () => {
    const ana = await world.resident('Ana', { building: 'b2', unit: '3-201', locale: 'en' });
    const bo = await world.resident('Bo', { building: 'b2', unit: '3－201 ', locale: 'en' }); // the same flat, typed in full width
    const cai = await world.resident('Cai', { building: 'b2', unit: '3-202', locale: 'en' });
    const dan = await world.resident('Dan', { building: 'b2', locale: 'en' }); // no unit given
    const q = 'Should the bicycle shed be rebuilt?';
    const poll = await createPoll({ question: q, options: ['Yes', 'No'], household: true, resultsAfterVote: true, building: '2' });
    expect(pollMessage(ana, q).text).toContain('one vote per household');

    expect((await vote(ana, q, 'Yes')).answer?.text).toMatch(/your vote is counted/);
    expect(pollMessage(ana, q).text).toContain('✅ You voted: Yes');
    const second = await vote(bo, q, 'No');
    expect(second.answer?.text).toMatch(/Your household .* has already voted/);
    expect(second.answer?.show_alert).toBe(true);
    // A double tap on Vote counts once.
    const caiPoll = pollMessage(cai, q).message_id;
    await cai.press(/^⬜ 2\. No/, { messageId: caiPoll });
    const tapped = await cai.press('🗳 Vote', { messageId: caiPoll, times: 2 });
    expect(tapped.answers!.map((a) => a?.text)).toEqual(['Thank you, your vote is counted.', 'That is already your vote.']);
    expect((await vote(dan, q, 'No')).answer?.text).toMatch(/we do not know your unit/);
    expect(await talliesOf(poll.id)).toEqual([1, 1]);

    // Bo may look at the standings (his household voted) and /polls tells him it has, without Ana's choice.
    await bo.press('📊 Results so far', { messageId: pollMessage(bo, q).message_id });
    expect(bo.last()!.text).toMatch(/Results so far[\s\S]*Yes — 1 vote \(50%\)[\s\S]*Households that voted: 2/);
    expect(bo.last()!.text).not.toContain('Turnout');
    await bo.send('/polls');
    const card = pollMessage(bo, q);
    expect(card.text).toContain('Your household has already voted');
    expect(card.text).not.toContain('You voted: Yes');
    expect(buttonsOf(card)).toEqual(['📊 Results so far']);
    // Dan, with no unit, cannot look: he has not voted.
    const peek = await dan.press('📊 Results so far', { messageId: pollMessage(dan, q).message_id });
    expect(peek.answer?.text).toMatch(/once you have voted/);

    // Two members of one household pressing Vote at the same instant: one ballot.
    const gil = await world.resident('Gil', { building: 'b2', unit: '7-701', locale: 'en' });
    const hal = await world.resident('Hal', { building: 'b2', unit: '7-701', locale: 'en' });
    expect(await createPoll({ question: `${q} (again)`, options: ['Yes', 'No'], household: true, building: '2' })).toBeDefined();
    const again = await world.db.selectFrom('polls').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    for (const u of [gil, hal]) await u.press(/^⬜ 1\. Yes/, { messageId: pollMessage(u, `${q} (again)`).message_id });
    const presses = await world.emu.together(() =>
      Promise.all([gil, hal].map((u) => u.press('🗳 Vote', { messageId: pollMessage(u, `${q} (again)`).message_id }))),
    );
    expect(presses.map((p) => p.answer?.text).sort()).toEqual([
      'Thank you, your vote is counted.',
      expect.stringMatching(/^Your household .* has already voted/),
    ]);
    expect(await talliesOf(again.id)).toEqual([1, 0]);

    const voters = await world.db.selectFrom('poll_voters').selectAll().where('poll_id', '=', poll.id).orderBy('voted_at').execute();
    expect(voters.map((v) => [v.voter_key, v.user_id])).toEqual([
      ['h:b2:3-201', ana.id],
      ['h:b2:3-202', cai.id],
    ]);
  });
});

describe('a named vote', () => {
  it('changes until the poll closes; /mydata shows the choice; forged and bad presses change nothing', async () => {
    const eve = await world.resident('Eve', { building: 'b3', locale: 'en' });
    const q = 'Which days should the reading room open?';
    const poll = await createPoll({ question: q, options: ['Saturday', 'Sunday', 'Wednesday'], multiple: true, building: '3' });

    expect((await eve.press('🗳 Vote', { messageId: pollMessage(eve, q).message_id })).answer?.text).toMatch(/at least one option/);
    expect((await vote(eve, q, 'Saturday', 'Sunday')).answer?.text).toMatch(/your vote is counted/);
    expect(await talliesOf(poll.id)).toEqual([1, 1, 0]);
    // Untick both, tick Wednesday, change.
    const messageId = pollMessage(eve, q).message_id;
    await eve.press(/^✅ 1\. Saturday/, { messageId });
    await eve.press(/^✅ 2\. Sunday/, { messageId });
    const changed = await vote(eve, q, 'Wednesday');
    expect(changed.answer?.text).toMatch(/Your vote is changed/);
    expect(pollMessage(eve, q).text).toContain('✅ You voted: Wednesday');
    expect(await talliesOf(poll.id)).toEqual([0, 0, 1]);
    const choices = await world.db.selectFrom('poll_choices').select(['voter_key', 'option']).where('poll_id', '=', poll.id).execute();
    expect(choices).toEqual([{ voter_key: `u:${eve.id}`, option: 2 }]);

    await eve.send('/mydata');
    expect(eve.last()!.text).toContain(`Poll “${q}”: voted Wednesday`);

    // A forged mask (an option the poll does not have) and a press from someone it was not sent to.
    expect((await eve.pressData(`vv|${poll.id}|8`)).answer?.text).toMatch(/no longer valid/);
    const fin = await world.resident('Fin', { building: 'b4', locale: 'en' });
    expect((await fin.pressData(`vv|${poll.id}|1`)).answer?.text).toMatch(/not sent to you/);
    expect(await talliesOf(poll.id)).toEqual([0, 0, 1]);

    // Closed: the button says so and the vote stays.
    world.clock.set(poll.closesAt);
    await world.app.scheduler.tick();
    await world.flush();
    expect((await vote(eve, q, 'Saturday')).answer?.text).toMatch(/has closed/);
    expect(await talliesOf(poll.id)).toEqual([0, 0, 1]);

    // /deleteme: the link to her choice goes, the count stays, and no row names her any more.
    await eve.send('/deleteme');
    await eve.press('Yes, delete');
    expect(await world.db.selectFrom('poll_choices').selectAll().where('poll_id', '=', poll.id).execute()).toEqual([]);
    const voters = await world.db.selectFrom('poll_voters').select(['voter_key', 'user_id']).where('poll_id', '=', poll.id).execute();
    expect(voters).toHaveLength(1);
    expect(voters[0].user_id).toBeNull();
    expect(voters[0].voter_key).not.toContain(String(eve.id));
    expect(await talliesOf(poll.id)).toEqual([0, 0, 1]);
  });
});

describe('an anonymous poll', () => {
  it('keeps nothing that names a voter’s choice: the rows about one voter are those about another who chose differently', async () => {
    // Same name and language, so their own rows differ only by id.
    const fay = await world.resident('Neighbour', { building: 'b5', locale: 'en' });
    const gus = await world.resident('Neighbour', { building: 'b5', locale: 'en' });
    const q = 'Which colour for the new benches?';
    const poll = await createPoll({ question: q, options: ['Red', 'Blue'], anonymous: true, resultsAfterVote: true, building: '5' });
    expect((await vote(fay, q, 'Red')).answer?.text).toMatch(/your vote is counted/);
    expect((await vote(gus, q, 'Blue')).answer?.text).toMatch(/your vote is counted/);
    expect(pollMessage(fay, q).text).toContain('You have voted (anonymously)');
    expect(pollMessage(fay, q).text).not.toContain('You voted: Red');
    // A Vote press without her receipt (not from the message she voted on) changes nothing: the database cannot tell what to take back.
    expect((await fay.pressData(`vv|${poll.id}|2`)).answer?.text).toMatch(/can be changed only under the message you voted on/);
    expect(await talliesOf(poll.id)).toEqual([1, 1]);
    expect(await world.db.selectFrom('poll_choices').selectAll().where('poll_id', '=', poll.id).execute()).toEqual([]);

    await fay.send('/mydata');
    expect(fay.last()!.text).toContain(`Poll “${q}”: voted`);
    expect(fay.last()!.text).not.toMatch(/voted (Red|Blue)/);

    // Every row of both databases (domain data and sessions) that mentions Fay, with her id
    // written as "<voter>", equals the rows that mention Gus: nothing stored tells Red from Blue.
    const fayRows = rowsMentioning(fay.id);
    const gusRows = rowsMentioning(gus.id);
    expect(fayRows.length).toBeGreaterThan(3);
    expect(fayRows).toEqual(gusRows);
  });
});

/**
 * Columns that hold when or in what order something happened (not who or what): left out of the
 * comparison. An update id is Telegram's sequence number of a press, as voted_at is its time.
 */
const ORDER_COLUMNS = /(_at$|^at$|^message_id$|^not_before$|^lease_|^expires$|update_id$)/;

function rowsMentioning(userId: number): string[] {
  const mentions = new RegExp(`(^|\\D)${userId}(\\D|$)`);
  const found: string[] = [];
  for (const file of ['linli.db', 'sessions.db']) {
    const db = new Database(join(world.dir, file), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
          const kept = Object.entries(row)
            .filter(([k]) => !ORDER_COLUMNS.test(k) && !(k === 'id' && name !== 'users'))
            .map(([k, v]) => [k, String(v).replace(/"(date|message_id|update_id)":\d+/g, '')]);
          if (!kept.some(([, v]) => mentions.test(v))) continue;
          found.push(`${name} ${JSON.stringify(kept).replaceAll(String(userId), '<voter>')}`);
        }
      }
    } finally {
      db.close();
    }
  }
  return found.sort();
}

describe('closing', () => {
  it('on time the committee group gets the result with turnout per building and the chart; non-voters were reminded a day before', async () => {
    const hua = await world.resident('华', { building: 'b6', unit: '1-101' });
    const jun = await world.resident('军', { building: 'b6', unit: '1-102' });
    const kai = await world.resident('凯', { building: 'b6', unit: '1-103' });
    const lin = await world.resident('林', { building: 'b6', unit: '1-104', locale: 'en' });
    const q = '小区公共收益优先用于哪一项？';
    const poll = await createPoll({ question: q, options: ['修缮车棚', '增设电动车充电桩', '绿化改造'], closesIn: 3 * DAY, building: '6' });
    expect((await vote(hua, q, '增设电动车充电桩')).answer?.text).toMatch(/投票已计入/);
    expect((await vote(jun, q, '增设电动车充电桩')).answer?.text).toMatch(/投票已计入/);
    // Lin takes no notices: no reminder for him.
    await lin.send('/subscribe');
    await lin.press(/Community notices/);

    // Staff's live count, at any time.
    await mei.send('/polls');
    await mei.press('📊 Live count', { messageId: pollMessage(mei, q).message_id });
    expect(mei.last()!.text).toMatch(/Live count[\s\S]*Turnout by building[\s\S]*Meiyuan Xincun Building 6: 2 \/ 4 \(50%\)/);

    world.clock.set(poll.closesAt - DAY - 10 * MINUTE);
    await world.app.scheduler.tick();
    await world.flush();
    expect(kai.inbox().filter((m) => m.text?.includes('还有一天截止'))).toHaveLength(0);
    world.clock.set(poll.closesAt - DAY);
    expect(await world.app.scheduler.tick()).toContain('polls.remind');
    await world.flush();
    expect(kai.inbox().filter((m) => m.text?.includes('还有一天截止'))).toHaveLength(1);
    expect(pollMessage(kai, q).text).toContain('还有一天截止');
    for (const u of [hua, jun, lin]) expect(u.inbox().filter((m) => /还有一天截止|closes in a day/.test(m.text ?? ''))).toHaveLength(0);
    world.clock.advance(HOUR);
    await world.app.scheduler.tick();
    await world.flush();
    expect(kai.inbox().filter((m) => m.text?.includes('还有一天截止'))).toHaveLength(1); // once

    expect((await vote(kai, q, '绿化改造')).answer?.text).toMatch(/投票已计入/);
    const before = group.messages().length;
    world.clock.set(poll.closesAt - MINUTE);
    await world.app.scheduler.tick();
    await world.flush();
    expect(
      group
        .messages()
        .slice(before)
        .filter((m) => m.text?.includes(q)),
    ).toHaveLength(0);
    world.clock.set(poll.closesAt);
    expect(await world.app.scheduler.tick()).toContain('polls.close');
    await world.flush();
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'summary.files')!);

    const sent = group.messages().slice(before);
    const result = sent.find((m) => m.text?.startsWith('🗳 投票结果'))!;
    expect(result.text).toContain(q);
    expect(result.text).toContain('增设电动车充电桩 — 2 票（67%）');
    expect(result.text).toContain('绿化改造 — 1 票（33%）');
    expect(result.text).toContain('梅园新村6号楼：3 / 4（75%）');
    const photo = sent.find((m) => m.photo && m.caption?.includes(q))!;
    expect(photo.reply_to_message_id).toBe(result.message_id);
    expect(photo.caption).toContain(q);
    const png = world.emu.file(photo.photo!.at(-1)!.file_id)!.bytes;
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    mkdirSync('test/.artifacts', { recursive: true });
    writeFileSync('test/.artifacts/poll-result-zh-CN.png', png);
    expect(mei.inbox().filter((m) => m.text?.startsWith('Your poll has closed.') && m.text.includes(q))).toHaveLength(1);

    // Closed once: a later tick sends nothing more.
    world.clock.advance(10 * MINUTE);
    await world.app.scheduler.tick();
    await world.flush();
    expect(group.messages().filter((m) => m.text?.startsWith('🗳 投票结果') && m.text.includes(q))).toHaveLength(1);
  });
});

describe('a selection in two rounds', () => {
  it('the top two of round 1 become the options of round 2, which its creator starts from the closing message', async () => {
    const voters = await Promise.all([1, 2, 3, 4, 5].map((i) => world.resident(`Voter ${i}`, { building: 'b1', locale: 'en' })));
    const q = 'Five-star civilised household 2026';
    const round1 = await createPoll({
      question: q,
      options: ['Zhang family', 'Li family', 'Wang family', 'Zhao family'],
      keepTop: 2,
      building: '1',
    });
    const picks = ['Li family', 'Li family', 'Zhao family', 'Zhao family', 'Wang family'];
    for (const [i, v] of voters.entries()) expect((await vote(v, q, picks[i])).answer?.text).toMatch(/your vote is counted/);

    world.clock.set(round1.closesAt);
    await world.app.scheduler.tick();
    await world.flush();
    const closed = mei
      .inbox()
      .filter((m) => m.text?.startsWith('Your poll has closed.') && m.text.includes(q))
      .at(-1)!;
    expect(closed.text).toContain('Going on to the next round: Li family, Zhao family');
    expect(group.messages().some((m) => m.text?.includes(q) && m.text.includes('进入下一轮：Li family、Zhao family'))).toBe(true);

    await mei.press('▶️ Start round 2 with these options', { messageId: closed.message_id });
    expect(mei.last()!.text).toMatch(/When does voting close/);
    const closes = closingTime(2 * DAY);
    await mei.send(closes.typed);
    expect(mei.last()!.text).toMatch(/round 2 of a selection/);
    await mei.press(/No, this vote decides/);
    await mei.press(/Chosen buildings/);
    await mei.press(/Building 1$/);
    await mei.press(/Done/);
    expect(mei.last()!.text).toContain('Selection, round 2');
    const count = Number(/Recipients: (\d+)/.exec(mei.last()!.text!)![1]);
    await mei.press(`✅ Send to ${count}`);
    await world.flush();

    const round2 = await world.db.selectFrom('polls').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect([round2.round, round2.previous_id, JSON.parse(round2.options)]).toEqual([2, round1.id, ['Li family', 'Zhao family']]);
    const card = voters[0]
      .inbox()
      .filter((m) => m.text?.includes('Selection, round 2'))
      .at(-1)!;
    expect(buttonsOf(card)).toEqual(['⬜ 1. Li family', '⬜ 2. Zhao family', '🗳 Vote']);
    for (const v of voters.slice(0, 3)) expect((await vote(v, q, 'Zhao family')).answer?.text).toMatch(/your vote is counted/);
    world.clock.set(closes.at);
    await world.app.scheduler.tick();
    await world.flush();
    const final = group
      .messages()
      .filter((m) => m.text?.startsWith('🗳 投票结果') && m.text.includes(q))
      .at(-1)!;
    expect(final.text).toContain('Zhao family — 3 票（100%）');
  });
});

describe('bad input', () => {
  it('is refused politely at each step and creates nothing; residents cannot create polls', async () => {
    const before = (await world.db.selectFrom('polls').select('id').execute()).length;
    const ivy = await world.resident('Ivy', { locale: 'en' });
    await ivy.send('/poll');
    expect(ivy.last()!.text).toMatch(/not allowed/);

    await mei.send('/poll');
    await mei.send('Where should the new notice board go?');
    await mei.send('Only one option');
    expect(mei.last()!.text).toContain('Please send 2 to 10 options, one per line (I found 1).');
    await mei.send(Array.from({ length: 11 }, (_, i) => `Place ${i + 1}`).join('\n'));
    expect(mei.last()!.text).toContain('(I found 11)');
    await mei.send('Gate\ngate');
    expect(mei.last()!.text).toMatch(/Two options are the same/);
    await mei.send(`Gate\n${'x'.repeat(61)}`);
    expect(mei.last()!.text).toMatch(/at most 60 characters/);
    await mei.send('1. By the gate\n2. By the lifts');
    await mei.press(/One$/);
    await mei.press(/Named/);
    await mei.press(/Every person/);
    await mei.press(/Only when the poll closes/);
    await mei.send('next Tuesday');
    expect(mei.last()!.text).toMatch(/For example/);
    await mei.send(closingTime(10 * MINUTE).typed);
    expect(mei.last()!.text).toMatch(/at least an hour/);
    await mei.send(closingTime(DAY).typed);
    expect(mei.last()!.text).toMatch(/round 1 of a selection/);
    expect(buttonsOf(mei.last()!)).toContain('No, this vote decides');
    await mei.send('/cancel');
    expect((await world.db.selectFrom('polls').select('id').execute()).length).toBe(before);
  });
});

/** The callback data of a button on a message, by its label. */
const dataOf = (m: BotMessageView, label: RegExp) =>
  (m.reply_markup?.inline_keyboard ?? []).flat().find((b) => label.test(b.text))!.callback_data!;
const CHANGE = /Change my vote/;

/** What the receipt under Change my vote says: the options as cast, and the change count. */
const receiptIn = (m: BotMessageView) => {
  const { was, changes } = changeButton.unpack(dataOf(m, CHANGE))!;
  return { was, changes };
};

/**
 * Presses `label` on the voter's poll message as one update whose handler wrote the ballot but
 * never edited the message (the edit fails, as if the process died there), then has the same
 * update handled again as after a restart: its claim left unfinished by a dead process whose
 * lease ran out (update-claims.ts). Returns the buttons as the first handling left them.
 */
async function pressDyingBeforeEdit(u: EmulatedUser, question: string, label: RegExp): Promise<string[]> {
  const view = pollMessage(u, question);
  const message = world.emu
    .chat(u.id)
    .history()
    .find((m) => m.message_id === view.message_id);
  world.emu.faults.add({ method: 'editMessageText', chatId: u.id, kind: '5xx' });
  const update = await u.sendUpdate({ callback_query: { data: dataOf(view, label), message } });
  const left = buttonsOf(pollMessage(u, question));
  await world.db
    .updateTable('processed_updates')
    .set({ owner: 'a-dead-process', lease_until: world.clock.now() - 1, finished_at: null })
    .where('update_id', '=', update.update_id)
    .execute();
  await world.emu.injectUpdate(update);
  return left;
}

describe('an anonymous vote changed', () => {
  it('changes with the receipt in its voter’s own message; an old, forged or borrowed receipt changes nothing, and a lost one leaves the vote', async () => {
    const hana = await world.resident('Neighbour', { building: 'b4', locale: 'en' });
    const ike = await world.resident('Neighbour', { building: 'b4', locale: 'en' });
    const q = 'Where should the new bench go?';
    const poll = await createPoll({
      question: q,
      options: ['Gate', 'Garden', 'Lifts'],
      anonymous: true,
      resultsAfterVote: true,
      building: '4',
    });
    await vote(hana, q, 'Gate');
    await vote(ike, q, 'Garden');
    // Her own message, and only it, shows what she chose, and offers the change.
    const voted = pollMessage(hana, q);
    expect(voted.text).toContain('You have voted (anonymously)');
    expect(buttonsOf(voted)).toEqual(['✅ 1. Gate', '⬜ 2. Garden', '⬜ 3. Lifts', '🗳 Change my vote', '📊 Results so far']);
    const firstReceipt = dataOf(voted, CHANGE);

    expect((await vote(hana, q, 'Lifts')).answer?.text).toBe('Your vote is changed.');
    expect((await vote(ike, q, 'Gate')).answer?.text).toBe('Your vote is changed.');
    expect(await talliesOf(poll.id)).toEqual([1, 0, 1]);
    expect(buttonsOf(pollMessage(hana, q))).toEqual(['⬜ 1. Gate', '⬜ 2. Garden', '✅ 3. Lifts', '🗳 Change my vote', '📊 Results so far']);
    expect(await world.db.selectFrom('poll_choices').selectAll().where('poll_id', '=', poll.id).execute()).toEqual([]);
    // Each changed once, in opposite directions: their stored rows are still the same.
    expect(rowsMentioning(hana.id)).toEqual(rowsMentioning(ike.id));

    // The receipt from before her change; another ballot claimed under her signature; a bad signature; hers, pressed by Ike.
    const current = dataOf(pollMessage(hana, q), CHANGE);
    const fields = changeButton.unpack(current)!;
    const otherSig = `${fields.sig.startsWith('A') ? 'B' : 'A'}${fields.sig.slice(1)}`;
    const presses = [
      await hana.pressData(firstReceipt),
      await hana.pressData(changeButton.pack({ ...fields, mask: 2, was: 2 })),
      await hana.pressData(changeButton.pack({ ...fields, mask: 2, sig: otherSig })),
      await ike.pressData(current),
    ];
    for (const p of presses) expect(p.answer?.text).toMatch(/from before your last change/);
    expect(await talliesOf(poll.id)).toEqual([1, 0, 1]);

    // A double tap on Change counts once.
    const messageId = pollMessage(hana, q).message_id;
    await hana.press(/^⬜ 2\. Garden/, { messageId });
    const tapped = await hana.press(CHANGE, { messageId, times: 2 });
    expect(tapped.answers!.map((a) => a?.text)).toEqual(['Your vote is changed.', expect.stringMatching(/from before your last change/)]);
    expect(await talliesOf(poll.id)).toEqual([1, 1, 0]);

    // Without the message (deleted, or another one): /polls says she voted and cannot redraw it; the vote stands.
    await hana.send('/polls');
    const card = pollMessage(hana, q);
    expect(card.text).toContain('You have voted (anonymously)');
    expect(buttonsOf(card)).toEqual(['📊 Results so far']);
    expect((await hana.pressData(`vv|${poll.id}|1`)).answer?.text).toMatch(/without it, your vote stands/);
    expect(await talliesOf(poll.id)).toEqual([1, 1, 0]);

    world.clock.set(poll.closesAt);
    await world.app.scheduler.tick();
    await world.flush();
    expect((await hana.press(CHANGE, { messageId })).answer?.text).toMatch(/has closed/);
    expect(await talliesOf(poll.id)).toEqual([1, 1, 0]);
  });

  it('on a per-household poll only the member who voted can change it, even with their buttons', async () => {
    const jo = await world.resident('Jo', { building: 'b4', unit: '5-501', locale: 'en' });
    const kim = await world.resident('Kim', { building: 'b4', unit: '5-501', locale: 'en' });
    const q = 'Should the courtyard gate lock at night?';
    const poll = await createPoll({ question: q, options: ['Yes', 'No'], anonymous: true, household: true, building: '4' });
    await vote(jo, q, 'Yes');
    const change = changeButton.unpack(dataOf(pollMessage(jo, q), CHANGE))!;
    const borrowed = await kim.pressData(changeButton.pack({ ...change, mask: 2 }));
    expect(borrowed.answer?.text).toMatch(/Your household .* has already voted/);
    expect(await talliesOf(poll.id)).toEqual([1, 0]);
    expect((await vote(jo, q, 'No')).answer?.text).toBe('Your vote is changed.');
    expect(await talliesOf(poll.id)).toEqual([0, 1]);
  });

  it('a press whose answer fails (Telegram down, or the query too old) still redraws the voter’s message with a receipt that works', async () => {
    const lu = await world.resident('Lu', { building: 'b4', locale: 'en' });
    const q = 'Should the notice board move to the lobby?';
    const poll = await createPoll({ question: q, options: ['Yes', 'No'], anonymous: true, building: '4' });
    await vote(lu, q, 'Yes');
    const messageId = pollMessage(lu, q).message_id;
    await lu.press(/^⬜ 2\. No/, { messageId });
    world.emu.faults.add({ method: 'answerCallbackQuery', kind: '5xx' });
    const unanswered = await lu.press(CHANGE, { messageId });
    expect(await talliesOf(poll.id)).toEqual([0, 1]);
    expect(buttonsOf(pollMessage(lu, q))).toEqual(['⬜ 1. Yes', '✅ 2. No', '🗳 Change my vote']);
    expect(receiptIn(pollMessage(lu, q))).toEqual({ was: 2, changes: 1 });
    // The failed answer is logged, not taken for a failed update: no apology follows.
    expect(unanswered.answer).toBeUndefined();
    // The receipt it carries is the one for the change: Lu can change her vote again.
    expect((await vote(lu, q, 'Yes')).answer?.text).toBe('Your vote is changed.');
    expect(await talliesOf(poll.id)).toEqual([1, 0]);
  });

  it('a Vote or Change press handled again after its handler died before the edit counts once and gives the receipt back', async () => {
    const mo = await world.resident('Neighbour', { building: 'b4', locale: 'en' });
    const ned = await world.resident('Neighbour', { building: 'b4', locale: 'en' });
    const q = 'Which evening should the courtyard film night be?';
    const poll = await createPoll({ question: q, options: ['Friday', 'Saturday', 'Sunday'], anonymous: true, building: '4' });

    await mo.press(/^⬜ 1\. Friday/, { messageId: pollMessage(mo, q).message_id });
    expect(await pressDyingBeforeEdit(mo, q, /🗳 Vote/)).toEqual(['✅ 1. Friday', '⬜ 2. Saturday', '⬜ 3. Sunday', '🗳 Vote']);
    expect(await talliesOf(poll.id)).toEqual([1, 0, 0]);
    expect(buttonsOf(pollMessage(mo, q))).toEqual(['✅ 1. Friday', '⬜ 2. Saturday', '⬜ 3. Sunday', '🗳 Change my vote']);
    expect(receiptIn(pollMessage(mo, q))).toEqual({ was: 1, changes: 0 });
    const firstReceipt = dataOf(pollMessage(mo, q), CHANGE);

    await mo.press(/^⬜ 2\. Saturday/, { messageId: pollMessage(mo, q).message_id });
    await pressDyingBeforeEdit(mo, q, CHANGE);
    expect(await talliesOf(poll.id)).toEqual([0, 1, 0]);
    expect(buttonsOf(pollMessage(mo, q))).toEqual(['⬜ 1. Friday', '✅ 2. Saturday', '⬜ 3. Sunday', '🗳 Change my vote']);
    expect(receiptIn(pollMessage(mo, q))).toEqual({ was: 2, changes: 1 });
    const [row] = await world.db.selectFrom('polls').select('voters').where('id', '=', poll.id).execute();
    expect(row!.voters).toBe(1);

    // Any other press is judged as before: the receipt from before the change, or Mo's new one pressed by Ned.
    expect((await mo.pressData(firstReceipt)).answer?.text).toMatch(/from before your last change/);
    expect((await ned.pressData(dataOf(pollMessage(mo, q), CHANGE))).answer?.text).toMatch(/from before your last change/);
    expect(await talliesOf(poll.id)).toEqual([0, 1, 0]);
    // And the receipt given back works.
    expect((await vote(mo, q, 'Sunday')).answer?.text).toBe('Your vote is changed.');
    expect(await talliesOf(poll.id)).toEqual([0, 0, 1]);
  });

  it('its longest buttons fit in 64 bytes', () => {
    const longest = { poll: 999_999_999_999_999, mask: 1023, was: 1023, changes: 9_999_999, sig: 'x'.repeat(22) };
    expect(() => pickAgainButton.pack({ ...longest, option: 9 })).not.toThrow();
    expect(() => changeButton.pack(longest)).not.toThrow();
  });
});

describe('audiences', () => {
  it('a poll reaches one team, all volunteers or a topic’s subscribers, and its reminder follows their subscriptions as they are then', async () => {
    const approver = { user: mei, in: group };
    const vic = await volunteer(world, 'Vic', 'Night patrol', approver);
    const wen = await volunteer(world, 'Wen', 'Cleanup team', approver);
    const xia = await world.resident('Xia', { building: 'b3', locale: 'en' });
    const yan = await world.resident('Yan', { building: 'b3', locale: 'en' });
    const zed = await world.resident('Zed', { building: 'b3', locale: 'en' });
    for (const u of [xia, yan, zed]) {
      await u.send('/subscribe');
      await u.press('⬜ Volunteering opportunities');
    }
    // Vic takes no community notices: his team's business reaches him all the same, as notices to a team do.
    await vic.send('/subscribe');
    await vic.press(/Community notices/);

    const polls = {
      team: await createPoll({ question: 'Patrol night: Friday or Saturday?', options: ['Friday', 'Saturday'], team: 'Night patrol' }),
      volunteers: await createPoll({ question: 'Volunteers’ tea: which afternoon?', options: ['Saturday', 'Sunday'], volunteers: true }),
      topic: await createPoll({ question: 'Which project next?', options: ['Library', 'Garden'], topic: 'Volunteering opportunities' }),
    };
    const people = [vic, wen, xia, yan, zed];
    const questions = { team: 'Patrol night', volunteers: 'Volunteers’ tea', topic: 'Which project next?' };
    const received = (words: string) => people.map((u) => u.inbox().filter((m) => m.text?.includes(words)).length);
    expect([polls.team.count, polls.volunteers.count, polls.topic.count]).toEqual([1, 2, 3]);
    expect(received(questions.team)).toEqual([1, 0, 0, 0, 0]);
    expect(received(questions.volunteers)).toEqual([1, 1, 0, 0, 0]);
    expect(received(questions.topic)).toEqual([0, 0, 1, 1, 1]);

    expect((await vote(wen, questions.volunteers, 'Sunday')).answer?.text).toMatch(/your vote is counted/);
    expect((await vote(xia, questions.topic, 'Garden')).answer?.text).toMatch(/your vote is counted/);
    // Yan no longer takes volunteering news by the time the reminders go.
    await yan.send('/subscribe');
    await yan.press('✅ Volunteering opportunities');

    world.clock.set(polls.topic.closesAt - DAY);
    expect(await world.app.scheduler.tick()).toContain('polls.remind');
    await world.flush();
    const reminded = (words: string) =>
      people.map((u) => u.inbox().filter((m) => m.text?.includes('closes in a day') && m.text.includes(words)).length);
    expect(reminded(questions.team)).toEqual([1, 0, 0, 0, 0]);
    expect(reminded(questions.volunteers)).toEqual([1, 0, 0, 0, 0]);
    expect(reminded(questions.topic)).toEqual([0, 0, 0, 0, 1]);
    // The reminder's buttons vote.
    expect((await vote(vic, questions.team, 'Friday')).answer?.text).toMatch(/your vote is counted/);
    expect(await talliesOf(polls.team.id)).toEqual([1, 0]);
  });
});
