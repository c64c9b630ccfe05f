import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { CoreDeps } from '../../deps';
import { readBody } from '../../http-body';
import { isLocale } from '../../i18n';
import { issueSession, sessionUser, validateInitData } from './services/auth';
import { events, listReports, parseFilter, photoWithCommunity, reportDetail, trends, volunteers } from './services/data';
import { streetView } from './services/street';
import { viewerOf, type Viewer } from './services/viewer';
import { BASE, type PageContext } from './views/html';
import { layout, messagePage, signInPage, type PageName } from './views/layout';
import { eventsBody, streetBody, trendsBody, volunteersBody } from './views/pages';
import { detailBody, listBody, mapBody } from './views/reports';
import { publicId } from '../../domain/hazards';
import { ledgerDays, ledgerWorkbook, workbookFilename } from '../summary/services/workbook';

/**
 * The staff dashboard's HTTP routes under /dashboard, served by the bot's own HTTP server
 * (src/ops/http-server.ts). The Mini App's first page signs in with Telegram's initData; every
 * other page needs the session token in `s` and shows only the viewer's communities.
 */

type Req = IncomingMessage;
type Res = ServerResponse;
const FONT_DIR = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'));
const FONT_FILE = /^\/fonts\/((?:400|700)\.css|files\/[\w-]+\.woff2?)$/;
const MAX_INIT_DATA = 8 * 1024;
const HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
};

const html = (res: Res, status: number, body: string): void =>
  void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...HEADERS }).end(body);
const json = (res: Res, status: number, body: unknown): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...HEADERS }).end(JSON.stringify(body));

/** Telegram's file server answers application/octet-stream, so the picture's own first bytes say what it is. */
function imageType(bytes: Buffer): string {
  if (bytes.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.subarray(0, 3).toString('latin1') === 'GIF') return 'image/gif';
  return 'application/octet-stream';
}

/** Undefined when the dashboard is off (no DASHBOARD_URL): the server then answers 404 as before. */
export function dashboardRoutes(deps: CoreDeps): ((req: Req, res: Res) => Promise<boolean>) | undefined {
  const settings = deps.config.dashboard;
  if (!settings) return undefined;
  const t0 = deps.i18n.translator(deps.config.defaultLocale);

  async function signIn(req: Req, res: Res) {
    const body = await readBody(req, MAX_INIT_DATA);
    const checked =
      body === undefined
        ? ({ ok: false, reason: 'malformed' } as const)
        : validateInitData(body, deps.config.botToken, settings!.authMaxAgeSeconds, deps.clock.now());
    if (!checked.ok) return json(res, 401, { reason: checked.reason, message: t0(`dashboard.refused_${checked.reason}`) });
    const viewer = await viewerOf(deps, checked.user.id, checked.user.language_code);
    const t = deps.i18n.translator(viewer.locale);
    if (viewer.allowed.length === 0) return json(res, 403, { reason: 'not_staff', message: t('dashboard.refused_not_staff') });
    deps.log.info({ userId: viewer.userId, role: viewer.role }, 'dashboard sign-in');
    return json(res, 200, { token: issueSession(viewer.userId, deps.config.botToken, deps.clock.now()), locale: viewer.locale });
  }

  /** The viewer of a page request, or the refusal already sent. */
  async function authorise(res: Res, q: URLSearchParams): Promise<PageContext | undefined> {
    const userId = sessionUser(q.get('s'), deps.config.botToken, deps.clock.now());
    if (userId === undefined)
      return void html(
        res,
        401,
        messagePage(t0, deps.config.defaultLocale, t0('dashboard.session_title'), t0('dashboard.session_expired')),
      );
    const viewer: Viewer = await viewerOf(deps, userId);
    const lang = q.get('lang');
    const locale = isLocale(lang) ? lang : viewer.locale;
    const t = deps.i18n.translator(locale);
    if (viewer.allowed.length === 0)
      return void html(res, 403, messagePage(t, locale, t('dashboard.refused_title'), t('dashboard.refused_not_staff')));
    const asked = q.get('c') ?? '';
    return {
      t,
      locale,
      timeZone: deps.config.timezone,
      communities: deps.communities,
      token: q.get('s')!,
      communityId: viewer.allowed.includes(asked) ? asked : viewer.allowed[0],
      allowed: viewer.allowed,
      isAdmin: viewer.role === 'admin',
    };
  }

  const notFound = (res: Res, pc: PageContext) =>
    html(res, 404, messagePage(pc.t, pc.locale, pc.t('dashboard.not_found_title'), pc.t('dashboard.not_found')));

  async function page(res: Res, pc: PageContext, name: string, q: URLSearchParams): Promise<void> {
    const now = deps.clock.now();
    const { db, communities } = deps;
    const community = communities.community(pc.communityId)!;
    const show = (p: PageName, body: string, params: Record<string, string> = {}) =>
      html(res, 200, layout(pc, p, pc.t(`dashboard.nav_${p}`), body, params));
    if (name === 'map')
      return show('map', mapBody(pc, community, await listReports(db, communities, pc.communityId, { status: 'open' }, now)));
    if (name === 'reports') {
      const f = parseFilter(q, communities, pc.communityId);
      const params = { status: f.status, category: f.category ?? '', building: f.building ?? '', overdue: f.overdue ? '1' : '' };
      return show('reports', listBody(pc, community, f, await listReports(db, communities, pc.communityId, f, now)), params);
    }
    if (name === 'trends') return show('trends', trendsBody(pc, await trends(db, communities, pc.communityId, pc.timeZone, now)));
    if (name === 'volunteers') return show('volunteers', volunteersBody(pc, await volunteers(db, pc.communityId, now)));
    if (name === 'events') return show('events', eventsBody(pc, await events(db, pc.communityId, now)));
    if (name === 'street' && pc.isAdmin) return show('street', streetBody(pc, await streetView(db, communities, pc.timeZone, now)));
    const report = /^report\/(\d{1,9})$/.exec(name);
    if (report) {
      const d = await reportDetail(db, communities, Number(report[1]), now);
      // Another community's report is "not found", so its number tells nothing.
      if (!d || !pc.allowed.includes(d.report.community_id)) return notFound(res, pc);
      const inOwn = { ...pc, communityId: d.report.community_id };
      return html(res, 200, layout(inOwn, 'report', publicId(d.report.id), detailBody(inOwn, d)));
    }
    return notFound(res, pc);
  }

  /** The ledger of the days picked on the trends page, as the XLSX workbook /ledger sends (a bad range: the page again, with why). */
  async function ledger(res: Res, pc: PageContext, q: URLSearchParams): Promise<void> {
    const days = ledgerDays(q.get('from') ?? undefined, q.get('to') ?? undefined, pc.timeZone);
    if (typeof days === 'string')
      return html(res, 400, messagePage(pc.t, pc.locale, pc.t('dashboard.ledger_title'), pc.t(`dashboard.ledger_${days}`)));
    const rc = { t: pc.t, locale: pc.locale, communities: pc.communities, timeZone: pc.timeZone };
    const workbook = await ledgerWorkbook(deps.db, { communityId: pc.communityId, from: days.from, to: days.to }, rc);
    res
      .writeHead(200, {
        ...HEADERS,
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${workbookFilename(pc.communityId, days.fromDay, days.toDay)}"`,
      })
      .end(workbook);
  }

  /** A report photo, fetched from Telegram through the bot (getFile), for a viewer of its community. */
  async function photo(res: Res, pc: PageContext, id: number): Promise<void> {
    const row = await photoWithCommunity(deps.db, id);
    if (!row || !pc.allowed.includes(row.community_id)) return void res.writeHead(404, HEADERS).end();
    const file = (await deps.api('getFile', { file_id: row.file_id })) as { file_path?: string };
    if (!file.file_path) return void res.writeHead(404, HEADERS).end();
    const got = await fetch(`${deps.config.apiRoot}/file/bot${deps.config.botToken}/${file.file_path}`);
    if (!got.ok) return void res.writeHead(502, HEADERS).end();
    const bytes = Buffer.from(await got.arrayBuffer());
    res
      .writeHead(200, { 'content-type': imageType(bytes), 'cache-control': 'private, max-age=3600', 'referrer-policy': 'no-referrer' })
      .end(bytes);
  }

  async function font(res: Res, file: string) {
    const bytes = await readFile(join(FONT_DIR, file)).catch(() => undefined);
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'font/woff2', 'cache-control': 'max-age=86400' }).end(bytes);
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`)) return false;
    const path = url.pathname.slice(BASE.length);
    if (req.method === 'POST' && path === '/session') await signIn(req, res);
    else if (req.method !== 'GET') res.writeHead(405).end();
    else if (path === '' || path === '/') html(res, 200, signInPage(t0, deps.config.defaultLocale));
    else if (FONT_FILE.test(path)) await font(res, FONT_FILE.exec(path)![1]);
    else {
      const pc = await authorise(res, url.searchParams);
      if (!pc) return true;
      const photoId = /^\/photo\/(\d{1,9})$/.exec(path);
      if (photoId) await photo(res, pc, Number(photoId[1]));
      else if (path === '/ledger.xlsx') await ledger(res, pc, url.searchParams);
      else await page(res, pc, path.slice(1), url.searchParams);
    }
    return true;
  };
}
