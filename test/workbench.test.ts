import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as canvas from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import jsQR from 'jsqr';
import { HOUR, MINUTE } from '../src/clock';
import { formatLocalTime } from '../src/domain/events';
import { tallies } from '../src/domain/polls';
import { ensureLead, membership } from '../src/domain/volunteers';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { zonedEpoch } from '../src/zoned-time';
import { startHazardWorld, type HazardWorld } from './helpers/hazards';
import { dropFreshDatabases, storageEnv } from './helpers/postgres';

/**
 * Issue 21, the staff workbench in chat: the ledger as an XLSX workbook (by /ledger for any
 * dates, and with the weekly summary), a volunteer's hours certificate, the stairwell QR
 * posters, /r by number, /find, revoking staff and team leads, removing a team member. On
 * PostgreSQL when TEST_DATABASE_URL is set.
 */

const TZ = 'Asia/Shanghai';
const at = (month: number, day: number, hour: number, minute = 0) => zonedEpoch({ year: 2031, month, day, hour, minute }, TZ);

let h: HazardWorld;
let gu: EmulatedUser; // staff of the other community (Guihua)
beforeAll(async () => {
  h = await startHazardWorld({ env: await storageEnv() });
  gu = await h.world.staff('Gu', { community: 'guihua' });
  h.world.clock.set(at(3, 4, 10));
});
afterAll(async () => {
  await h.stop();
  await dropFreshDatabases();
});

const db = () => h.world.db;
const lastDocument = (u: EmulatedUser) =>
  u
    .inbox()
    .filter((m) => m.document)
    .at(-1)!;
const fileOf = (m: { document?: { file_id: string } }) => h.world.emu.file(m.document!.file_id)!.bytes;

/** A volunteer of a team, with hours of a done task and of a shift, straight in the database. */
async function seedVolunteer(name: string, team: string, taskMinutes: number, shiftMinutes: number) {
  const v = await h.world.resident(name);
  const now = h.world.clock.now();
  await db().updateTable('users').set({ role: 'volunteer' }).where('id', '=', v.id).execute();
  // An approved team row as /invite makes a lead's, then made a plain member.
  await ensureLead(db(), now, v.id, 'meiyuan', team);
  const member = (await membership(db(), v.id, 'meiyuan', team))!;
  await db().updateTable('team_members').set({ role: 'member' }).where('id', '=', member.id).execute();
  const memberId = member.id;
  const { id: requestId } = await db()
    .insertInto('help_requests')
    .values({
      community_id: 'meiyuan',
      building_id: 'b2',
      team_id: team,
      requester_id: null,
      on_behalf_name: '王阿姨',
      on_behalf_phone: '13700000000',
      type: 'errand',
      details: '买菜',
      notes: '',
      urgent: 1,
      window_start: null,
      window_end: null,
      unit: '2-301',
      address: null,
      phone: '13700000000',
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: taskId } = await db()
    .insertInto('tasks')
    .values({
      request_id: Number(requestId),
      community_id: 'meiyuan',
      team_id: team,
      status: 'done',
      window_start: null,
      window_end: null,
      claimed_by: v.id,
      claimed_at: now,
      checkin_due_at: null,
      checkin_sent_at: null,
      checkin_ok_at: null,
      started_at: now,
      done_at: now + 90 * MINUTE,
      done_note: null,
      done_photo: null,
      released_count: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: shiftId } = await db()
    .insertInto('shifts')
    .values({
      community_id: 'meiyuan',
      team_id: 'patrol',
      zone: 'north',
      starts_at: now,
      ends_at: now + shiftMinutes * MINUTE,
      places: 3,
      taken: 1,
      created_by: null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const hours = (o: { task?: number; shift?: number; minutes: number }) => ({
    volunteer_id: v.id,
    community_id: 'meiyuan',
    task_id: o.task ?? null,
    shift_id: o.shift ?? null,
    minutes: o.minutes,
    corrected_minutes: null,
    approved: 1,
    at: now + 2 * MINUTE,
  });
  await db()
    .insertInto('hours')
    .values([hours({ task: Number(taskId), minutes: taskMinutes }), hours({ shift: Number(shiftId), minutes: shiftMinutes })])
    .execute();
  return { v, memberId, requestId: Number(requestId), taskId: Number(taskId), shiftId: Number(shiftId) };
}

async function seedEvent(title: string, starts: number, attendees: { id: number; attended: number; rating: number | null }[]) {
  const { id } = await db()
    .insertInto('events')
    .values({
      community_id: 'meiyuan',
      title,
      description: '',
      place: '广场',
      starts_at: starts,
      capacity: 30,
      rsvp_deadline: starts,
      status: 'open',
      audience: '{"kind":"community"}',
      created_by: h.lin.id,
      created_at: starts - 86_400_000,
      reminded_day_at: null,
      reminded_soon_at: null,
      rating_asked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const a of attendees)
    await db()
      .insertInto('rsvps')
      .values({
        event_id: Number(id),
        user_id: a.id,
        status: 'going',
        queued_at: starts,
        attended: a.attended,
        rating: a.rating,
        rated_at: null,
        rating_comment: null,
        updated_at: starts,
      })
      .execute();
  return Number(id);
}

/** Lin sends a poll through /poll to one building, closing in `closesIn`; returns its row. */
async function sendPoll(p: {
  question: string;
  options: string[];
  anonymous?: boolean;
  several?: boolean;
  building: string;
  closesIn: number;
}) {
  const lin = h.lin;
  await lin.send('/poll');
  await lin.send(p.question);
  await lin.send(p.options.join('\n'));
  await lin.press(p.several ? /Several/ : /One$/);
  await lin.press(p.anonymous ? /Anonymous/ : /Named/);
  await lin.press(/Every person/);
  await lin.press(/Only when the poll closes/);
  await lin.send(formatLocalTime(Math.ceil((h.world.clock.now() + p.closesIn) / MINUTE) * MINUTE, 'en', TZ));
  await lin.press(/No, this vote decides/);
  await lin.press(/Chosen buildings/);
  await lin.press(new RegExp(`Building ${p.building}$`));
  await lin.press(/Done/);
  await lin.press(/^✅ Send to \d+/);
  await h.world.flush();
  return db().selectFrom('polls').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
}

/** A resident ticks options on the poll message (by their labels) and presses Vote. */
async function vote(u: EmulatedUser, question: string, ...labels: string[]) {
  const messageId = u
    .inbox()
    .filter((m) => (m.text ?? '').includes(question) && m.reply_markup)
    .at(-1)!.message_id;
  for (const label of labels) await u.press(new RegExp(`^⬜ \\d+\\. ${label}`), { messageId });
  await u.press(/🗳 (Vote|投票)/, { messageId });
}

/** A zh-CN resident asks the committee about papers and procedures (/ask). */
async function askCommittee(u: EmulatedUser, text: string) {
  await u.send('/ask');
  await u.press('❓ 提问');
  await u.press('证件与办事');
  await u.send(text);
  await h.world.flush();
}

/** Lin answers a question from its card in the committee group, in his private chat. */
async function answerQuestion(ref: string, text: string) {
  const card = h.group
    .messages()
    .filter((m) => (m.text ?? '').includes(ref) && m.buttons().includes('✍️ 答复'))
    .at(-1)!;
  await h.lin.press('✍️ 答复', { in: h.group, messageId: card.message_id });
  await h.world.flush();
  await h.lin.press('✍️ Answer');
  await h.lin.send(text);
  await h.world.flush();
}

/** A workbook's sheets as arrays of cell values (header first), as Excel would show them. */
async function readWorkbook(bytes: Buffer): Promise<Map<string, unknown[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  const sheets = new Map<string, unknown[][]>();
  wb.eachSheet((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push(Array.from((row.values as unknown[]).slice(1), (v) => v ?? null)));
    sheets.set(ws.name, rows);
  });
  return sheets;
}

const local = (ms: number | null) =>
  ms === null ? null : new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, dateStyle: 'short', timeStyle: 'short' }).format(ms);
/** Trailing empty cells are not stored in a row; pad to the header's width. */
const pad = (row: unknown[], n: number) => [...row, ...Array(Math.max(0, n - row.length)).fill(null)];
const communities = () => h.world.app.deps.communities;
const en = (key: string, params?: Record<string, string | number>) => h.world.app.deps.i18n.t('en', key, params);
const buildingName = (id: string) => communities().building('meiyuan', id)!.name.en;

const CLEANING = '周末清洗楼道好吗？';
const CLINIC = 'Which days suit the clinic?';

/**
 * March's polls and questions: a named poll to Building 1 that Cy and Bea vote in and that
 * closes; an anonymous one of several choices to Building 2, still open; Cy's question answered,
 * followed up, answered again and settled; Bea's, still waiting.
 */
async function pollAndAskStory(cy: EmulatedUser) {
  const bea = await h.world.resident('Bea');
  const dan = await h.world.resident('Dan', { building: 'b2' });
  await sendPoll({ question: CLEANING, options: ['好', '不好'], building: '1', closesIn: 2 * HOUR });
  await vote(cy, CLEANING, '好');
  await vote(bea, CLEANING, '不好');
  await sendPoll({
    question: CLINIC,
    options: ['Monday', 'Friday', 'Sunday'],
    anonymous: true,
    several: true,
    building: '2',
    closesIn: 48 * HOUR,
  });
  await vote(dan, CLINIC, 'Monday', 'Sunday');
  h.world.clock.advance(3 * HOUR);
  await h.job('polls.close');
  await h.world.flush();

  await askCommittee(cy, '怎么开居住证明？我是陈阿姨，住1号楼');
  const ref = `Q-${(await db().selectFrom('questions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id}`;
  await answerQuestion(ref, '带身份证到服务大厅办理。');
  await cy.press('💬 我还有问题');
  await cy.send('租房的人也能开吗？');
  await h.world.flush();
  await answerQuestion(ref, '可以，带上租房合同。');
  await cy.press('✅ 解答了');
  await askCommittee(bea, '户口迁移要多久？');
}

/** The Polls sheet against the polls table, their messages that reached someone and their tallies. */
async function expectPollSheet(sheet: unknown[][]) {
  const polls = await db().selectFrom('polls').selectAll().where('community_id', '=', 'meiyuan').orderBy('id').execute();
  const optionsOf = (p: (typeof polls)[number]) => JSON.parse(p.options) as string[];
  const widest = Math.max(...polls.map((p) => optionsOf(p).length));
  const options = Array.from({ length: widest }, (_, i) => [
    en('ledger.col_option', { number: i + 1 }),
    en('ledger.col_option_votes', { number: i + 1 }),
  ]);
  expect(sheet[0]).toEqual([
    'Question',
    'Sent to',
    'Kind',
    'Counting',
    'Opened',
    'Closes',
    'Closed',
    'Recipients',
    'Voted',
    ...options.flat(),
  ]);
  const rows = await Promise.all(
    polls.map(async (p) => {
      const reached = await db()
        .selectFrom('outbox')
        .select('id')
        .where('broadcast_id', '=', p.broadcast_id)
        .where('status', '=', 'sent')
        .execute();
      const votes = await tallies(db(), p.id);
      const audience = JSON.parse(p.audience) as { buildings: string[] };
      return pad(
        [
          p.question,
          audience.buildings.map(buildingName).join(', '),
          `${en(p.multiple ? 'polls.rule_multiple' : 'polls.rule_single')} · ${en(p.anonymous ? 'polls.rule_anonymous' : 'polls.rule_named')}`,
          en(p.per_household ? 'polls.rule_household' : 'polls.rule_person'),
          local(p.created_at),
          local(p.closes_at),
          local(p.closed_at),
          reached.length,
          p.voters,
          ...optionsOf(p).flatMap((o, i) => [o, votes[i]]),
        ],
        2 * widest + 9,
      );
    }),
  );
  expect(sheet.slice(1).map((row) => pad(row, 2 * widest + 9))).toEqual(rows);
  // As the residents voted: the first closed with one vote each, the second still open.
  expect(rows.map((row) => [row[0], row[6] === null, ...row.slice(8)])).toEqual([
    [CLEANING, false, 2, '好', 1, '不好', 1, null, null],
    [CLINIC, true, 1, 'Monday', 1, 'Friday', 0, 'Sunday', 1],
  ]);
  // Counts only: nobody who voted is named.
  expect(JSON.stringify(sheet)).not.toMatch(/Cy|Bea|Dan/);
}

/** The Questions sheet against the questions table: numbers, topics, times, the SLA; no asker and no words. */
async function expectQuestionSheet(sheet: unknown[][]) {
  const sla = communities().settings.askSlaHours * HOUR;
  const questions = await db().selectFrom('questions').selectAll().where('community_id', '=', 'meiyuan').orderBy('id').execute();
  const inTime = (q: (typeof questions)[number]) =>
    q.first_answered_at === null ? (q.overdue_at === null ? null : 'No') : q.first_answered_at <= q.created_at + sla ? 'Yes' : 'No';
  const rows = questions.map((q) => [
    `Q-${q.id}`,
    communities().askTopic(q.topic)!.name.en,
    buildingName(q.building_id),
    local(q.created_at),
    local(q.first_answered_at),
    inTime(q),
    q.rounds,
    q.resolved_at === null ? null : 'Yes',
  ]);
  expect(sheet[0]).toEqual(['No.', 'Topic', 'Building', 'Asked', 'First answered', 'Answered in time', 'Rounds', 'Resident satisfied']);
  expect(sheet.slice(1).map((row) => pad(row, 8))).toEqual(rows);
  expect(rows.map((row) => row.slice(5))).toEqual([
    ['Yes', 2, 'Yes'],
    [null, 1, null],
  ]);
  expect(JSON.stringify(sheet)).not.toMatch(/居住证明|陈阿姨|租房|户口|Cy|Bea/);
}

describe('the ledger as an XLSX workbook', () => {
  it('/ledger for a date range sends a workbook whose every cell matches the database, a sheet per kind', async () => {
    const cy = await h.world.resident('Cy');
    const r = await h.reportAtHome(cy, '垃圾堆放', '垃圾桶满了 =1+1');
    await h.lin.press('👀 受理', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.world.flush();
    const vol = await seedVolunteer('Vi', 'elder', 75, 120);
    // A title that starts like a formula stays text in Excel.
    const eventId = await seedEvent('=1+1 邻里节', at(3, 8, 9), [
      { id: vol.v.id, attended: 1, rating: 5 },
      { id: cy.id, attended: 1, rating: 4 },
    ]);
    // Outside the range: not in the workbook.
    await seedEvent('下月讲座', at(4, 2, 9), []);
    await pollAndAskStory(cy);

    await h.lin.send('/ledger 2031-03-01 2031-03-31');
    const doc = lastDocument(h.lin);
    expect(doc.document!.file_name).toBe('ledger-meiyuan-2031-03-01-2031-03-31.xlsx');
    expect(doc.caption).toContain('Meiyuan Community: ledger for 2031-03-01 to 2031-03-31');
    const bytes = fileOf(doc);
    writeArtifact('workbench-ledger.xlsx', bytes);
    const sheets = await readWorkbook(bytes);
    expect([...sheets.keys()]).toEqual(['Hazard reports', 'Help requests and tasks', 'Volunteer hours', 'Events', 'Polls', 'Questions']);

    // Reports: every report of March in the database, cell by cell.
    const reports = await db().selectFrom('reports').selectAll().where('community_id', '=', 'meiyuan').orderBy('id').execute();
    const lin = await db().selectFrom('users').select('first_name').where('id', '=', h.lin.id).executeTakeFirstOrThrow();
    const reportSheet = sheets.get('Hazard reports')!;
    expect(reportSheet[0]).toEqual(['No.', 'Reported', 'Category', 'Building', 'Status', 'Handled by', 'Acknowledged', 'Fixed', 'Rating']);
    expect(reportSheet.slice(1).map((row) => pad(row, 9))).toEqual(
      reports.map((x) => [
        `R-${x.id + 1000}`,
        local(x.created_at),
        'Rubbish',
        'Meiyuan Xincun Building 1',
        x.status === 'acknowledged' ? 'Acknowledged' : x.status,
        x.owner_id === h.lin.id ? lin.first_name : null,
        local(x.acknowledged_at),
        local(x.fixed_at),
        x.rating,
      ]),
    );

    // Help: every request of March with its task and the volunteer who did it, from the database.
    const requests = await db().selectFrom('help_requests').selectAll().where('community_id', '=', 'meiyuan').orderBy('id').execute();
    const helpRows = await Promise.all(
      requests.map(async (x) => {
        const task = await db().selectFrom('tasks').selectAll().where('request_id', '=', x.id).executeTakeFirstOrThrow();
        const volunteer = await db().selectFrom('users').select('first_name').where('id', '=', task.claimed_by!).executeTakeFirstOrThrow();
        return [
          `#${x.id}`,
          local(x.created_at),
          communities().helpType(x.type)!.name.en,
          buildingName(x.building_id!),
          en(x.urgent ? 'ledger.yes' : 'ledger.no'),
          en(`summary.task_status.${task.status}`),
          volunteer.first_name,
          local(task.done_at),
        ];
      }),
    );
    expect(sheets.get('Help requests and tasks')!.slice(1)).toEqual(helpRows);
    expect(helpRows.map((row) => row[0])).toEqual([`#${vol.requestId}`]);
    // No phone number or address of the person helped anywhere in the workbook.
    expect(JSON.stringify([...sheets.values()])).not.toMatch(/1370000|2-301|王阿姨/);

    const hours = await db().selectFrom('hours').selectAll().where('volunteer_id', '=', vol.v.id).orderBy('id').execute();
    expect(
      sheets
        .get('Volunteer hours')!
        .slice(1)
        .map((row) => pad(row, 5)),
    ).toEqual(
      hours.map((x) => [
        local(x.at),
        'Vi',
        x.task_id ? `T-${x.task_id}` : null,
        x.shift_id ? `S-${x.shift_id}` : null,
        Math.round((x.minutes / 60) * 10) / 10,
      ]),
    );
    // Events: those starting in March, counted from their RSVPs in the database.
    const events = await db()
      .selectFrom('events')
      .selectAll()
      .where('community_id', '=', 'meiyuan')
      .where('starts_at', '>=', at(3, 1, 0))
      .where('starts_at', '<', at(4, 1, 0))
      .orderBy('starts_at')
      .execute();
    const rsvps = await db().selectFrom('rsvps').selectAll().execute();
    const eventRows = events.map((e) => {
      const of = rsvps.filter((x) => x.event_id === e.id);
      const ratings = of.flatMap((x) => (x.rating === null ? [] : [x.rating]));
      const average = ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null;
      const going = of.filter((x) => x.status === 'going').length;
      return [
        `E-${e.id}`,
        local(e.starts_at),
        e.title,
        e.place,
        e.capacity,
        going,
        of.filter((x) => x.attended === 1).length,
        ratings.length,
        average,
      ];
    });
    const eventSheet = sheets.get('Events')!;
    expect(eventSheet[0]).toEqual(['Event', 'Starts', 'Title', 'Place', 'Places', 'Going', 'Attended', 'Ratings', 'Average rating']);
    expect(eventSheet.slice(1).map((row) => pad(row, 9))).toEqual(eventRows);
    // A title that starts like a formula is text, not a formula.
    expect(eventRows.map((row) => row.slice(0, 3))).toEqual([[`E-${eventId}`, '2031-03-08 09:00', '=1+1 邻里节']]);

    await expectPollSheet(sheets.get('Polls')!);
    await expectQuestionSheet(sheets.get('Questions')!);
  });

  it('refuses bad dates, too long a period, residents, and another community for staff', async () => {
    await h.lin.send('/ledger 2031-02-30 2031-03-31');
    expect(h.lin.last()!.text).toMatch(/^Give the first and last day/);
    await h.lin.send('/ledger 2031-03-31 2031-03-01');
    expect(h.lin.last()!.text).toMatch(/^Give the first and last day/);
    await h.lin.send('/ledger 2029-01-01 2031-03-01');
    expect(h.lin.last()!.text).toBe('At most 366 days at a time; please choose a shorter period.');
    await h.lin.send('/ledger 2031-03-01 2031-03-31 guihua');
    expect(h.lin.last()!.text).toBe('Sorry, you are not allowed to do that.');
    const di = await h.world.resident('Di');
    await di.send('/ledger 2031-03-01 2031-03-31');
    expect(di.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });

  it('goes to the committee group with the weekly summary, beside the CSV', async () => {
    const weekly = h.world.app.scheduler.jobs.find((j) => j.name === 'summary.weekly')!;
    h.world.clock.set(at(3, 10, 9, 1));
    await h.world.app.scheduler.run(weekly);
    await h.world.flush();
    await h.job('summary.files');
    const files = h.group.messages().filter((m) => m.document);
    expect(files.map((m) => m.document!.file_name)).toEqual(['ledger-meiyuan-2031-03-03.csv', 'ledger-meiyuan-2031-03-03-2031-03-09.xlsx']);
    const sheets = await readWorkbook(fileOf(files[1]));
    // The group's language is the committee's (zh-CN).
    expect([...sheets.keys()]).toEqual(['隐患报告', '求助与任务', '志愿服务时长', '活动', '投票', '居民提问']);
    expect(
      sheets
        .get('投票')!
        .slice(1)
        .map((row) => row[0]),
    ).toEqual([CLEANING, CLINIC]);
    expect(sheets.get('隐患报告')!.length).toBe(2);
    expect(sheets.get('活动')![1].slice(0, 3)).toEqual([expect.stringMatching(/^E-\d+$/), '2031-03-08 09:00', '=1+1 邻里节']);
  });
});

function writeArtifact(name: string, bytes: Buffer) {
  mkdirSync('test/.artifacts', { recursive: true });
  writeFileSync(`test/.artifacts/${name}`, bytes);
}

/** A PNG's pixels, RGBA. */
async function pixelsOf(png: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const image = await canvas.loadImage(png);
  const c = canvas.createCanvas(image.width, image.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height };
}

async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, width, height } = await pixelsOf(png);
  return jsQR(data, width, height)?.data;
}

type Pixels = Awaited<ReturnType<typeof pixelsOf>>;

/** The share of the rows top…bottom (inside the page's borders) that is dark ink: text, not paper. */
function inkShare(p: Pixels, top: number, bottom: number): number {
  let ink = 0;
  let all = 0;
  for (let y = top; y < bottom; y++)
    for (let x = 100; x < p.width - 100; x++, all++) {
      const i = 4 * (y * p.width + x);
      if (0.3 * p.data[i] + 0.59 * p.data[i + 1] + 0.11 * p.data[i + 2] < 160) ink++;
    }
  return ink / all;
}

/** The share of pixels in rows top…bottom that differ between two pages of one size. */
function changedShare(a: Pixels, b: Pixels, top: number, bottom: number): number {
  let changed = 0;
  for (let i = 4 * top * a.width; i < 4 * bottom * a.width; i += 4)
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) changed++;
  return changed / ((bottom - top) * a.width);
}

describe('QR posters', () => {
  it("/posters sends one A4 poster per building whose QR code is the building's deep link, and the link registers a new resident there", async () => {
    const before = h.lin.inbox().length;
    await h.lin.send('/posters');
    expect(h.lin.inbox()[before].text).toBe('Making 6 posters (one per building); they are on their way.');
    const posters = h.lin.inbox().filter((m) => m.document?.file_name?.startsWith('poster-'));
    expect(posters.map((m) => m.document!.file_name)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((b) => `poster-meiyuan-${b}.png`));
    expect(posters[2].caption).toBe('🖨 梅园新村3号楼：二维码海报（A4）');
    const png = fileOf(posters[2]);
    writeArtifact('workbench-poster-b3.png', png);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754]);
    const link = await decodeQr(png);
    const bot = h.world.app.deps.botUsername();
    expect(link).toBe(`https://t.me/${bot}?start=c-meiyuan-b-b3`);
    // They went through the file queue and were marked sent.
    const queued = await db().selectFrom('summary_files').select(['status', 'filename']).where('filename', 'like', 'poster-%').execute();
    expect(queued.every((f) => f.status === 'sent')).toBe(true);

    // A new resident scanning it starts the bot with that payload: onboarding knows the building.
    const eve = h.world.emu.user({ id: 777_001, first_name: 'Eve', language_code: 'zh-CN' });
    await eve.send(`/start ${new URL(link!).searchParams.get('start')}`);
    await eve.press(/跳过/);
    await eve.press(/我同意/);
    expect(await db().selectFrom('users').select(['community_id', 'building_id']).where('id', '=', 777_001).executeTakeFirst()).toEqual({
      community_id: 'meiyuan',
      building_id: 'b3',
    });
  });

  it('`npm run posters` writes one poster per building of every community, each QR code its deep link', async () => {
    const folder = join(h.world.dir, 'posters');
    // The bot's @username is asked from Telegram (here the emulator) with the bot token.
    const env = { ...process.env, BOT_TOKEN: h.world.emu.token, TELEGRAM_API_ROOT: h.world.emu.apiRoot };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/ops/posters.ts', folder], { env });
    const all = communities().all;
    const buildings = all.flatMap((c) => c.buildings.map((b) => ({ community: c.id, building: b.id })));
    expect(stdout).toContain(`Wrote ${buildings.length} posters to ${folder}`);
    expect(all.flatMap((c) => readdirSync(join(folder, c.id)).map((f) => `${c.id}/${f}`)).sort()).toEqual(
      buildings.map((b) => `${b.community}/poster-${b.community}-${b.building}.png`).sort(),
    );
    const bot = h.world.app.deps.botUsername();
    for (const b of buildings) {
      const png = readFileSync(join(folder, b.community, `poster-${b.community}-${b.building}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754]);
      expect(await decodeQr(png)).toBe(`https://t.me/${bot}?start=c-${b.community}-b-${b.building}`);
    }
  });

  it('refuses residents', async () => {
    const fay = await h.world.resident('Fay');
    await fay.send('/posters');
    expect(fay.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});

describe("a volunteer's hours certificate", () => {
  it('a volunteer gets their own; staff choose one of their volunteers; another community sees none', async () => {
    const { v, taskId } = await seedVolunteer('Wang', 'patrol', 90, 150);
    await v.send('/certificate');
    const own = lastDocument(v);
    expect(own.caption).toBe('📜 Wang：志愿服务时长证明（4 小时）');
    const png = fileOf(own);
    writeArtifact('workbench-certificate.png', png);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754]);
    // Not a blank page: the text between the title and the seal is there (a blank or failed render has none).
    const page = await pixelsOf(png);
    expect(inkShare(page, 380, 1200)).toBeGreaterThan(0.005);
    expect(inkShare(page, 200, 280)).toBeGreaterThan(0.01);

    // Staff correct the task's 90 minutes to 120: the next certificate says 4.5 hours, and differs from the first where the hours are written.
    await db()
      .updateTable('hours')
      .set({ corrected_minutes: 120 })
      .where('task_id', '=', taskId)
      .where('volunteer_id', '=', v.id)
      .execute();
    await v.send('/certificate');
    const more = lastDocument(v);
    expect(more.caption).toBe('📜 Wang：志愿服务时长证明（4.5 小时）');
    const morePage = await pixelsOf(fileOf(more));
    expect(changedShare(page, morePage, 380, 1200)).toBeGreaterThan(0.001);
    // The border and the seal's place are the same: only the words changed.
    expect(changedShare(page, morePage, 0, 60)).toBe(0);

    await h.lin.send('/certificate');
    expect(h.lin.last()!.buttons()).toContain('Wang · 4.5 hours');
    await h.lin.press('Wang · 4.5 hours');
    const staffCopy = lastDocument(h.lin);
    expect(staffCopy.caption).toBe('📜 Wang: volunteer hours certificate (4.5 hours)');
    writeArtifact('workbench-certificate-en.png', fileOf(staffCopy));

    // Gu (Guihua) pressing Lin's button: Wang is Meiyuan's volunteer, so Gu is refused and gets no certificate.
    const before = gu.inbox().length;
    const forged = await gu.pressData(`wbc|${v.id}`);
    expect(forged.answer?.text).toBe('Sorry, you are not allowed to do that.');
    expect(gu.inbox()).toHaveLength(before);
    const res = await h.world.resident('Gil');
    await res.send('/certificate');
    expect(res.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});

describe('/r: a report by its number', () => {
  it('opens the card with its staff buttons, the history and the photos; a button on it works', async () => {
    const ana = await h.world.resident('Ana', { building: 'b2' });
    await ana.send('/report');
    await ana.press('路灯损坏');
    await ana.send('2号楼门口的路灯坏了');
    await ana.sendPhoto();
    await ana.press('照片已发完');
    await ana.press(/就在我住的/);
    await ana.press('跳过');
    if (ana.last()!.buttons().includes('不是，这是另一件事')) await ana.press('不是，这是另一件事');
    await ana.press('✅ 确认提交');
    await h.world.flush();
    const r = await h.latest();
    const number = `R-${r.id + 1000}`;

    const before = h.lin.inbox().length;
    await h.lin.send(`/r ${number.toLowerCase()}`);
    const shown = h.lin.inbox().slice(before);
    const card = shown.find((m) => m.text?.includes(number) && m.buttons().length > 0)!;
    expect(card.buttons()).toContain('👀 Acknowledge');
    expect(shown.some((m) => m.text?.startsWith('History'))).toBe(true);
    expect(shown.some((m) => m.photo)).toBe(true);

    await h.lin.press('👀 Acknowledge', { messageId: card.message_id });
    expect((await h.latest()).status).toBe('acknowledged');
  });

  it('refuses a report of another community, an unknown number, bad input and residents', async () => {
    const r = await h.latest();
    await gu.send(`/r R-${r.id + 1000}`);
    expect(gu.last()!.text).toBe(`R-${r.id + 1000} is not a report of your community.`);
    expect(gu.inbox().some((m) => m.text?.includes('路灯坏了'))).toBe(false);
    await h.lin.send('/r R-999999');
    expect(h.lin.last()!.text).toBe('There is no report R-999999.');
    await h.lin.send('/r hello');
    expect(h.lin.last()!.text).toBe("Give the report's number, e.g. /r R-1042");
    const ana = await h.world.resident('Ann');
    await ana.send(`/r R-${r.id + 1000}`);
    expect(ana.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});

describe('/find a resident', () => {
  it('finds by name and by building, within the staff member’s community only', async () => {
    await db().updateTable('users').set({ phone: '13911112222', unit: '3-402' }).where('first_name', '=', 'Ana').execute();
    await h.lin.send('/find ana');
    expect(h.lin.last()!.text).toMatch(/^🔎 “ana”: 1 resident\n• Ana · Meiyuan Xincun Building 2 3-402 · Resident · ☎ 13911112222$/);
    await h.lin.send('/find Building 2');
    expect(h.lin.last()!.text).toMatch(/^🔎 “Building 2”: \d+ residents?/);
    expect(h.lin.last()!.text).not.toContain('Building 1 ');
    await h.lin.send('/find %');
    expect(h.lin.last()!.text).toBe('No resident matches “%”.');

    await gu.send('/find ana');
    expect(gu.last()!.text).toBe('No resident matches “ana”.');
    const ben = await h.world.resident('Ben');
    await ben.send('/find ana');
    expect(ben.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});

describe('revoking roles and removing volunteers', () => {
  it('staff revoke a team lead; the lead hears it and stays a member; others cannot press it', async () => {
    const { v, memberId } = await seedVolunteer('Leo', 'green', 30, 30);
    await db().updateTable('team_members').set({ role: 'lead' }).where('id', '=', memberId).execute();
    await db().updateTable('users').set({ role: 'lead' }).where('id', '=', v.id).execute();

    await h.lin.send('/staff');
    expect(h.lin.last()!.text).toMatch(/Staff\n• Lin[\s\S]*Team leads\n• Leo · Cleanup team/);
    // Only admins revoke staff: Lin sees no such button.
    expect(h.lin.last()!.buttons()).toEqual(['✖ Revoke Leo as team lead']);

    // Refusals: another community's staff, a resident, a forged revoke of staff by staff.
    expect((await gu.pressData(`wbrl|${memberId}`)).answer?.text).toBe('Sorry, you are not allowed to do that.');
    const res = await h.world.resident('Rex');
    expect((await res.pressData(`wbrl|${memberId}`)).answer?.text).toBe('抱歉，您没有权限进行这个操作。');
    expect((await h.lin.pressData(`wbrs|${gu.id}`)).answer?.text).toBe('Sorry, you are not allowed to do that.');

    const list = h.lin.last()!;
    await h.lin.press('✖ Revoke Leo as team lead', { messageId: list.message_id });
    expect(await db().selectFrom('team_members').select(['role', 'status']).where('id', '=', memberId).executeTakeFirst()).toEqual({
      role: 'member',
      status: 'approved',
    });
    expect((await db().selectFrom('users').select('role').where('id', '=', v.id).executeTakeFirstOrThrow()).role).toBe('volunteer');
    await h.world.flush();
    expect(v.last()!.text).toMatch(/^您已不再担任/);
    // The list shows it at once, and a second press of the old button is "already done".
    expect(
      h.lin
        .inbox()
        .find((m) => m.message_id === list.message_id)!
        .buttons(),
    ).toEqual([]);
    const again = await h.lin.pressData(`wbrl|${memberId}`);
    expect(again.answer?.text).toBe('Already done ✓ — that button was pressed before.');
  });

  it('staff remove a volunteer from a team; with no team left they are a resident again', async () => {
    const { v, memberId } = await seedVolunteer('Mia', 'youth', 30, 30);
    await h.lin.send('/members');
    await h.lin.press('Youth care team');
    expect(h.lin.last()!.text).toMatch(/Youth care team: 1 member\n• Mia/);
    expect((await gu.pressData(`wbrm|${memberId}`)).answer?.text).toBe('Sorry, you are not allowed to do that.');
    expect((await gu.pressData('wbtm|meiyuan|youth|0')).answer?.text).toBe('Sorry, you are not allowed to do that.');
    await h.lin.press('✖ Remove Mia');
    expect(h.lin.last()!.text).toMatch(/Youth care team: 0 members\n\(nobody\)/);
    expect(await db().selectFrom('team_members').select(['status']).where('id', '=', memberId).executeTakeFirst()).toEqual({
      status: 'declined',
    });
    expect((await db().selectFrom('users').select('role').where('id', '=', v.id).executeTakeFirstOrThrow()).role).toBe('resident');
    await h.world.flush();
    expect(v.last()!.text).toMatch(/^居委会已将您移出/);
    expect((await h.lin.pressData(`wbrm|${memberId}`)).answer?.text).toBe('Already done ✓ — that button was pressed before.');
  });

  it('an admin revokes a staff member of a community; they lose the staff commands at once', async () => {
    const mo = await h.world.staff('Mo');
    const admin = h.world.admin();
    await admin.send('/staff meiyuan');
    await admin.press('✖ Revoke Mo as staff');
    expect((await db().selectFrom('users').select('role').where('id', '=', mo.id).executeTakeFirstOrThrow()).role).toBe('resident');
    await h.world.flush();
    expect(mo.last()!.text).toBe('An admin has revoked your staff role. Ask the committee if this is unexpected.');
    await mo.send('/r R-1001');
    expect(mo.last()!.text).toBe('Sorry, you are not allowed to do that.');
    expect((await admin.pressData(`wbrs|${mo.id}`)).answer?.text).toBe('Already done ✓ — that button was pressed before.');
  });
});
