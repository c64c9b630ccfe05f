import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as canvas from '@napi-rs/canvas';
import ExcelJS from 'exceljs';
import jsQR from 'jsqr';
import { MINUTE } from '../src/clock';
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

    await h.lin.send('/ledger 2031-03-01 2031-03-31');
    const doc = lastDocument(h.lin);
    expect(doc.document!.file_name).toBe('ledger-meiyuan-2031-03-01-2031-03-31.xlsx');
    expect(doc.caption).toContain('Meiyuan Community: ledger for 2031-03-01 to 2031-03-31');
    const bytes = fileOf(doc);
    writeArtifact('workbench-ledger.xlsx', bytes);
    const sheets = await readWorkbook(bytes);
    expect([...sheets.keys()]).toEqual(['Hazard reports', 'Help requests and tasks', 'Volunteer hours', 'Events']);

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

    const help = sheets.get('Help requests and tasks')!;
    const task = await db().selectFrom('tasks').selectAll().where('id', '=', vol.taskId).executeTakeFirstOrThrow();
    expect(help.slice(1)).toEqual([
      [
        `#${vol.requestId}`,
        local(h.world.clock.now()),
        'Errands and shopping',
        'Meiyuan Xincun Building 2',
        'Yes',
        'Done',
        'Vi',
        local(task.done_at),
      ],
    ]);
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
    expect(sheets.get('Events')!).toEqual([
      ['Event', 'Starts', 'Title', 'Place', 'Places', 'Going', 'Attended', 'Ratings', 'Average rating'],
      [`E-${eventId}`, '2031-03-08 09:00', '=1+1 邻里节', '广场', 30, 2, 2, 2, 4.5],
    ]);
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
    expect([...sheets.keys()]).toEqual(['隐患报告', '求助与任务', '志愿服务时长', '活动']);
    expect(sheets.get('隐患报告')!.length).toBe(2);
    expect(sheets.get('活动')![1].slice(0, 3)).toEqual([expect.stringMatching(/^E-\d+$/), '2031-03-08 09:00', '=1+1 邻里节']);
  });
});

function writeArtifact(name: string, bytes: Buffer) {
  mkdirSync('test/.artifacts', { recursive: true });
  writeFileSync(`test/.artifacts/${name}`, bytes);
}

async function decodeQr(png: Buffer): Promise<string | undefined> {
  const image = await canvas.loadImage(png);
  const c = canvas.createCanvas(image.width, image.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height)?.data;
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

  it('refuses residents', async () => {
    const fay = await h.world.resident('Fay');
    await fay.send('/posters');
    expect(fay.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});

describe("a volunteer's hours certificate", () => {
  it('a volunteer gets their own; staff choose one of their volunteers; another community sees none', async () => {
    const { v } = await seedVolunteer('Wang', 'patrol', 90, 150);
    await v.send('/certificate');
    const own = lastDocument(v);
    expect(own.caption).toBe('📜 Wang：志愿服务时长证明（4 小时）');
    const png = fileOf(own);
    writeArtifact('workbench-certificate.png', png);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754]);

    await h.lin.send('/certificate');
    expect(h.lin.last()!.buttons()).toContain('Wang · 4 hours');
    await h.lin.press('Wang · 4 hours');
    const staffCopy = lastDocument(h.lin);
    expect(staffCopy.caption).toBe('📜 Wang: volunteer hours certificate (4 hours)');
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
