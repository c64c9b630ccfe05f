import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { parseConfig } from '../src/config';
import { lastCompleteWeek } from '../src/domain/summary';
import { ADMIN_ID } from './helpers/world';
import { dropFreshDatabases, PG_URL, storageEnv } from './helpers/postgres';
import { seedPastReport, startDashboardWorld, type DashboardWorld } from './helpers/dashboard';
import { reportAtLocation } from './helpers/hazards';

/** The staff dashboard over HTTP, as the Mini App's page talks to it: who gets in, who sees what, the menu button, the street office's ranking. */

describe(`the staff dashboard on ${PG_URL ? 'PostgreSQL' : 'SQLite'}`, () => {
  let d: DashboardWorld;
  beforeAll(async () => {
    d = await startDashboardWorld(await storageEnv());
  }, 60_000);
  afterAll(async () => {
    expect(d.world.emu.rejected).toEqual([]);
    await d.world.stop();
    await dropFreshDatabases();
  });
  const job = (name: string) => d.world.app.scheduler.run(d.world.app.scheduler.jobs.find((j) => j.name === name)!);
  const menuCalls = () => d.world.emu.calls.filter((c) => c.method === 'setChatMenuButton').length;

  it('staff open it from /dashboard and from the menu button; the button goes when they are staff no more', async () => {
    await d.lin.send('/dashboard');
    const reply = d.lin.last()!;
    expect(reply.text).toMatch(/dashboard shows your community/);
    expect(reply.reply_markup).toEqual({
      inline_keyboard: [[{ text: '📊 Open the dashboard', web_app: { url: `${d.base}/dashboard/` } }]],
    });
    await d.world.flush();
    expect(d.world.emu.menuButton(d.lin.id)).toEqual({ type: 'web_app', text: 'Dashboard', web_app: { url: `${d.base}/dashboard/` } });

    // The job sets it for staff who never typed /dashboard (the admin), and only once.
    await job('dashboard.menus');
    await d.world.flush();
    expect(d.world.emu.menuButton(ADMIN_ID)).toMatchObject({ type: 'web_app' });
    const calls = menuCalls();
    await job('dashboard.menus');
    await d.world.flush();
    expect(menuCalls()).toBe(calls);

    const kim = await d.world.staff('Kim');
    await job('dashboard.menus');
    await d.world.flush();
    expect(d.world.emu.menuButton(kim.id)).toMatchObject({ type: 'web_app' });
    // Kim leaves the committee (her role is taken back): the menu button goes back to the default.
    await d.world.db.updateTable('users').set({ role: 'resident' }).where('id', '=', kim.id).execute();
    await job('dashboard.menus');
    await d.world.flush();
    expect(d.world.emu.menuButton(kim.id)).toEqual({ type: 'default' });
    expect((await d.signIn(kim)).status).toBe(403);
  });

  it("signs in with Telegram's launch data; forged, expired and a resident's are refused", async () => {
    const ok = await d.signIn(d.lin);
    expect(ok.status).toBe(200);
    const token = ok.body.token!;
    const page = await d.get('map', { s: token });
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('Open reports');

    // Someone changes the user id in genuine launch data: the hash no longer fits.
    const genuine = new URLSearchParams(d.world.emu.webAppInitData(d.lin));
    const user = JSON.parse(genuine.get('user')!);
    genuine.set('user', JSON.stringify({ ...user, id: ADMIN_ID }));
    const forged = await fetch(`${d.base}/dashboard/session`, { method: 'POST', body: genuine.toString() });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ reason: 'forged' });
    const noHash = await fetch(`${d.base}/dashboard/session`, { method: 'POST', body: 'user=%7B%22id%22%3A1%7D&auth_date=1' });
    expect(await noHash.json()).toMatchObject({ reason: 'malformed' });

    expect((await d.signIn(d.lin, 3500)).status).toBe(200);
    const old = await d.signIn(d.lin, 3700);
    expect(old).toMatchObject({ status: 401, body: { reason: 'expired' } });

    const bo = await d.world.resident('Bo');
    const resident = await d.signIn(bo);
    expect(resident).toMatchObject({ status: 403, body: { reason: 'not_staff', message: '工作台仅供居委会工作人员使用。' } });

    // No session, a tampered one, or one that ran out: no page.
    expect((await d.get('reports')).status).toBe(401);
    const [uid, exp, sig] = token.split('.');
    expect((await d.get('reports', { s: `${bo.id}.${exp}.${sig}` })).status).toBe(401);
    expect((await d.get('reports', { s: `${uid}.${Number(exp) + DAY}.${sig}` })).status).toBe(401);
    d.world.clock.advance(61 * MINUTE);
    expect((await d.get('reports', { s: token })).status).toBe(401);
  });

  it('staff see only their own community: reports, photos and asking for another by its number', async () => {
    const bo = await d.world.resident('Cy');
    const id = await d.fileLightReport(bo, '楼下路灯不亮');
    const lin = (await d.signIn(d.lin)).body.token!;
    const list = await d.get('reports', { s: lin });
    expect(list.text).toContain(`R-${id + 1000}`);
    const detail = await d.get(`report/${id}`, { s: lin });
    expect(detail.status).toBe(200);
    const photoId = /\/dashboard\/photo\/(\d+)/.exec(detail.text)![1];
    const photo = await fetch(`${d.base}/dashboard/photo/${photoId}?s=${lin}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await photo.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const gu = await d.world.staff('Gu', { community: 'guihua' });
    const other = (await d.signIn(gu)).body.token!;
    expect((await d.get(`report/${id}`, { s: other })).status).toBe(404);
    expect((await fetch(`${d.base}/dashboard/photo/${photoId}?s=${other}`)).status).toBe(404);
    // Asking for Meiyuan by name shows Guihua, the only community Gu may see.
    const asked = await d.get('reports', { s: other, c: 'meiyuan' });
    expect(asked.text).not.toContain(`R-${id + 1000}`);
    expect(asked.text).toContain('Guihua Community');
    // The street office's page is the admins' alone.
    expect((await d.get('street', { s: other })).status).toBe(404);
  });

  it('the trends page offers the ledger of any days as XLSX: the reports sheet lists what the database holds', async () => {
    const lin = (await d.signIn(d.lin)).body.token!;
    const trendsPage = await d.get('trends', { s: lin });
    expect(trendsPage.text).toContain('action="/dashboard/ledger.xlsx"');
    const day = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
    const now = d.world.clock.now();
    const [from, to] = [day(now - 30 * DAY), day(now)];
    const got = await fetch(`${d.base}/dashboard/ledger.xlsx?s=${lin}&from=${from}&to=${to}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="ledger-meiyuan-${from}-${to}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await got.arrayBuffer()) as never);
    const reports = await d.world.db
      .selectFrom('reports')
      .select('id')
      .where('community_id', '=', 'meiyuan')
      .where('created_at', '>=', now - 31 * DAY)
      .execute();
    expect(reports.length).toBeGreaterThan(0);
    const sheet = wb.worksheets[0];
    const listed = new Set<string>();
    sheet.eachRow((row) => listed.add(String((row.values as unknown[])[1])));
    for (const r of reports) expect(listed.has(`R-${r.id + 1000}`)).toBe(true);
    // Days the wrong way round: a polite page, no file; no session: refused.
    expect((await d.get('ledger.xlsx', { s: lin, from: to, to: from })).status).toBe(400);
    expect((await d.get('ledger.xlsx', { from, to })).status).toBe(401);
  });

  it('ranks every community for the admins, on the page and in a weekly message', async () => {
    const week = lastCompleteWeek(d.world.clock.now(), d.world.app.deps.config.timezone);
    // Last week Meiyuan answered and fixed a light in time and was rated 5; Guihua left one unanswered.
    await seedPastReport(d.world, {
      community: 'meiyuan',
      category: 'light',
      building: 'b1',
      at: week.start + DAY,
      ackHours: 1,
      fixHours: 10,
      rating: 5,
    });
    await seedPastReport(d.world, { community: 'guihua', category: 'light', building: 'b1', at: week.start + DAY });
    const admin = (await d.signIn(d.world.admin())).body.token!;
    const street = await d.get('street', { s: admin });
    expect(street.status).toBe(200);
    const order = [...street.text.matchAll(/<b>(Meiyuan Community|Guihua Community)<\/b>/g)].map((m) => m[1]);
    expect(order).toEqual(['Meiyuan Community', 'Guihua Community']);

    const before = d.world.admin().inbox().length;
    await job('dashboard.street');
    await d.world.flush();
    const sent = d.world.admin().inbox().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toMatch(/Meiyuan Street Office: the communities side by side/);
    expect(sent[0].text).toMatch(/1\. Meiyuan Community\nResponse 100% · resolution 100% · satisfaction 100%/);
    expect(sent[0].text).toMatch(/2\. Guihua Community\nResponse 0%/);
  });

  it('a report made at a named spot is placed there in the list and on its page, as on its card', async () => {
    const fay = await d.world.resident('Fay');
    // By the south gate bus stop (example.json's spot south_bus).
    const { r } = await reportAtLocation(d.world, fay, '垃圾堆放', '公交站旁堆了很多垃圾', [31.2287, 121.4734]);
    expect(r.spot_id).toBe('south_bus');
    const lin = (await d.signIn(d.lin)).body.token!;
    const row = (await d.get('reports', { s: lin })).text.split('<tr>').find((tr) => tr.includes(`R-${r.id + 1000}`))!;
    expect(row).toContain('near South gate bus stop');
    expect((await d.get(`report/${r.id}`, { s: lin })).text).toContain('<dd>near South gate bus stop</dd>');
  });

  it('a report located away from every building gives its coordinates once on its page', async () => {
    const gil = await d.world.resident('Gil');
    // About 440 m north of the centre: farther than any building's 300 m.
    const { r } = await reportAtLocation(d.world, gil, '垃圾堆放', '路口堆了很多垃圾', [31.2344, 121.4737]);
    expect(r.building_id).toBeNull();
    const lin = (await d.signIn(d.lin)).body.token!;
    const page = (await d.get(`report/${r.id}`, { s: lin })).text;
    expect(page.match(/31\.23440, 121\.47370/g)).toHaveLength(1);
  });

  it('a report’s history tells its routing and escalation steps in words, not their codes', async () => {
    const id = await d.fileLightReport(await d.world.resident('Dai'), '三号楼门口的路灯一闪一闪');
    // A street light is acknowledged within 24 hours: past that, the ladder's first rung with someone on it is the committee group.
    d.world.clock.advance(25 * HOUR);
    await job('hazards.overdue');
    const lin = (await d.signIn(d.lin)).body.token!;
    const detail = await d.get(`report/${id}`, { s: lin });
    expect(detail.text).toContain('<b>Routed</b>');
    expect(detail.text).toContain('⏫ Sent to the committee group (not acknowledged in time)');
    expect(detail.text).not.toContain('ladder:');
  });
});

describe('dashboard configuration', () => {
  it('in polling mode the dashboard needs the port it is served on', () => {
    expect(() => parseConfig({ BOT_TOKEN: '123:abcdefghijklmnop', DASHBOARD_URL: 'https://bot.example.org' })).toThrow(
      /METRICS_PORT is required in polling mode when DASHBOARD_URL is set/,
    );
    expect(
      parseConfig({ BOT_TOKEN: '123:abcdefghijklmnop', DASHBOARD_URL: 'https://bot.example.org/', METRICS_PORT: '9100' }).dashboard,
    ).toEqual({
      url: 'https://bot.example.org',
      authMaxAgeSeconds: 3600,
    });
  });
});
