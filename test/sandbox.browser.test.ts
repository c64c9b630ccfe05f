import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox';
import { committeeChat } from '../src/domain/chat-links';
import { RESIDENT, STAFF } from '../src/sandbox/seed';
import { ARTIFACTS, CHROMIUM, DESKTOP, hasChromium, PHONE, streetLightPhoto } from './helpers/browser';

/**
 * The sandbox as a committee member trying Linli would use it: Debian's Chromium, two tabs,
 * two people. Screenshots go to test/.artifacts/ to be looked at.
 */

if (!hasChromium) console.warn(`sandbox browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** Each story needs the browser; without it they are reported as skipped, with the reason above. */
const inBrowser = it.skipIf(!hasChromium);

describe('the sandbox in a browser', () => {
  let sandbox: Sandbox;
  let browser: BrowserContext;
  let dir: string;
  let resident: Page;
  let staff: Page;

  const shot = async (page: Page, name: string) => {
    // Chinese glyphs come in unicode-range subsets, fetched on first use: load those on the page first.
    await page.evaluate(async () => {
      const text =
        document.body.innerText +
        Array.from(document.querySelectorAll('input'))
          .map((i) => i.value + i.placeholder)
          .join('');
      await Promise.all(['400', '700'].map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, text)));
      await document.fonts.ready;
    });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };
  /** The newest message in the open chat that shows this text. */
  const message = (page: Page, text: string | RegExp) => page.locator('#messages .msg', { hasText: text }).last();
  const see = async (page: Page, text: string | RegExp) => {
    try {
      await message(page, text).waitFor({ timeout: 10_000 });
    } catch (err) {
      // Say what the chat did show: the emulator's transcript of the chat open in that tab.
      const chatId = Number(new URL(page.url()).searchParams.get('chat'));
      await shot(page, 'failure');
      throw new Error(`${(err as Error).message}\nThe chat shows:\n${sandbox.emu.chat(chatId).transcript()}`, { cause: err });
    }
  };
  // A tab in the background gets no animation frames, so clicks there wait long: act in front.
  const pressInline = async (page: Page, label: string) => {
    await page.bringToFront();
    await page.locator('#messages button.inline', { hasText: label }).last().click();
  };
  const pressKey = async (page: Page, label: string) => {
    await page.bringToFront();
    await page.locator('#reply-keyboard button.key', { hasText: label }).click();
  };
  const say = async (page: Page, text: string) => {
    await page.bringToFront();
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
    await see(page, text);
  };
  const openChat = async (page: Page, title: string) => {
    await page.bringToFront();
    await page
      .locator('#chat-list button')
      .filter({ has: page.locator('b').getByText(title, { exact: true }) })
      .click();
  };

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'linli-sandbox-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox({ dir: join(dir, 'data'), port: 0, logLevel: 'silent' });
    browser = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: PHONE,
      // A Chinese committee member's browser: the first screen speaks Chinese too.
      locale: 'zh-CN',
    });
    browser.setDefaultTimeout(10_000);
    resident = browser.pages()[0] ?? (await browser.newPage());
    staff = await browser.newPage();
    await staff.setViewportSize(DESKTOP);
  }, 60_000);

  afterAll(async () => {
    if (!hasChromium) return;
    await browser?.close();
    if (sandbox) expect(sandbox.emu.rejected).toEqual([]);
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  inBrowser('a new resident registers on a phone while staff watch the committee group on a desktop', async () => {
    await resident.goto(sandbox.web.url);
    await resident.locator('#persona-list button').first().waitFor();
    // The page's own words are Chinese for a Chinese browser, persona descriptions included.
    await resident.locator('#people h2', { hasText: '您是谁？' }).waitFor();
    await resident
      .locator('#persona-list button', { hasText: '张阿姨' })
      .locator('small', { hasText: '居民 · 梅园社区 梅园新村2号楼' })
      .waitFor();
    await shot(resident, '01-personas-phone');
    // The tab has an icon.
    expect(await resident.evaluate(async () => (await fetch('/favicon.ico')).status)).toBe(200);
    expect(await resident.evaluate(async () => (await fetch('/favicon.ico')).headers.get('content-type'))).toContain('image/');

    // Staff open the committee group in their own tab.
    await staff.goto(`${sandbox.web.url}/?as=${STAFF}`);
    await openChat(staff, '梅园社区居委会');
    await staff.locator('#chat-title', { hasText: '梅园社区居委会' }).waitFor();

    await resident.bringToFront();
    await resident.fill('#new-persona input[name=name]', '刘先生');
    await resident.selectOption('#new-persona select[name=locale]', 'zh-CN');
    await resident.click('#new-persona button[type=submit]');
    await resident.locator('#start', { hasText: '开始' }).click();
    await see(resident, '刘先生');
    expect(await resident.locator('#me-role').textContent()).toBe('新居民：尚未登记');
    await pressInline(resident, '简体中文');
    await pressInline(resident, '梅园社区');
    await pressInline(resident, '梅园新村2号楼');
    await pressInline(resident, '跳过');
    await shot(resident, '02-privacy-phone');
    await pressInline(resident, '我同意');
    await resident.locator('#reply-keyboard button.key', { hasText: '上报隐患' }).waitFor();
    // Registered now: the sidebar says so without a reload.
    await expect.poll(() => resident.locator('#me-role').textContent()).toBe('居民 · 梅园社区 梅园新村2号楼');
    await shot(resident, '03-registered-phone');

    // The command menu (from setMyCommands) and the attach menu's location picker.
    expect(await resident.locator('#menu-button').innerText()).toBe('菜单');
    await resident.click('#menu-button');
    await resident.locator('#panel .commands button', { hasText: '/report' }).waitFor();
    await shot(resident, '03b-command-menu-phone');
    await resident.click('#attach-button');
    await resident.click('#attach-button');
    await resident.locator('#panel button', { hasText: '位置' }).click();
    expect(await resident.inputValue('#panel input[name=latitude]')).toBe('31.2304');
    await resident.locator('#panel button[type=submit]', { hasText: '发送位置' }).waitFor();
    await shot(resident, '03c-location-phone');
    await resident.locator('#panel button.close').click();

    const user = await sandbox.app.deps.users.find(3001);
    expect(user).toMatchObject({ community_id: 'meiyuan', building_id: 'b2', locale: 'zh-CN' });
    expect(user?.privacy_accepted_at).not.toBeNull();
    await shot(staff, '04-committee-desktop');
  });

  inBrowser(
    'the resident reports a broken street light with a photo, staff fix it from the committee group, and the resident rates it',
    async () => {
      await pressKey(resident, '上报隐患');
      await pressInline(resident, '路灯损坏');
      await say(resident, '2号楼门口的路灯<坏了>好几天，晚上很黑');
      await resident.setInputFiles('#photo-file', { name: 'street-light.png', mimeType: 'image/png', buffer: streetLightPhoto() });
      await see(resident, /第 1 张/);
      await pressInline(resident, '照片已发完');
      await pressInline(resident, '就在我住的梅园新村2号楼');
      await say(resident, '单元门口');
      // The seeded demo already has a broken light at Building 2: the bot asks whether it is the same.
      await see(resident, /可能是同一件事/);
      await pressInline(resident, '不是，这是另一件事');
      await see(resident, '请确认上报内容');
      await shot(resident, '05-report-confirm-phone');
      await pressInline(resident, '确认提交');
      await see(resident, /编号 R-\d+/);
      const report = await sandbox.app.deps.db.selectFrom('reports').selectAll().where('reporter_id', '=', 3001).executeTakeFirstOrThrow();
      const publicId = `R-${report.id + 1000}`;

      // The card reaches the committee group live, with the photo.
      const card = message(staff, publicId);
      await card.waitFor({ timeout: 10_000 });
      await card.locator('img').waitFor();
      // The bot's HTML shows as Telegram shows it; the resident's own words stay text.
      await card.locator('b', { hasText: publicId }).waitFor();
      // The chat list beside it shows the card as the group's last message, live.
      await staff
        .locator('#chat-list button', { has: staff.locator('b').getByText('梅园社区居委会', { exact: true }) })
        .locator('.preview', { hasText: publicId })
        .waitFor();
      expect(await card.locator('.text').innerText()).toContain('路灯<坏了>好几天');
      await shot(staff, '06-card-desktop');
      await staff.bringToFront();
      await card.locator('button.inline', { hasText: '受理' }).first().click();
      await message(staff, '已受理').waitFor();
      // The card was edited: Telegram's "edited", in Chinese.
      await message(staff, publicId).locator('.meta .edited', { hasText: '已编辑' }).waitFor();
      await see(resident, '已由居委会受理');

      // "Fixed", pressed once, asks for a note in the staff member's private chat.
      await message(staff, publicId).locator('button.inline', { hasText: '已处理' }).click();
      await openChat(staff, 'Linli');
      await see(staff, publicId);
      await see(staff, '请简要说明处理情况');
      await say(staff, '已更换灯泡，恢复照明。');
      await see(staff, '处理后的照片');
      await pressInline(staff, '跳过');
      await see(staff, '已标记为已处理');
      await shot(staff, '07-staff-fixed-desktop');

      // The resident confirms and rates.
      await see(resident, '问题解决了吗');
      await shot(resident, '08-is-it-fixed-phone');
      await pressInline(resident, '已解决');
      await pressInline(resident, '★★★★★');
      await say(resident, '谢谢，修得很快！');
      await shot(resident, '09-rated-phone');

      const closed = await sandbox.app.deps.db.selectFrom('reports').selectAll().where('id', '=', report.id).executeTakeFirstOrThrow();
      expect(closed).toMatchObject({ status: 'closed', fix_answer: 'yes', rating: 5 });
      const photos = await sandbox.app.deps.db.selectFrom('report_photos').select('kind').where('report_id', '=', report.id).execute();
      expect(photos).toEqual([{ kind: 'report' }]);
    },
  );

  inBrowser('a week later by the time control, the weekly summary and its ledger reach the committee group', async () => {
    await staff.bringToFront();
    await openChat(staff, '梅园社区居委会');
    const before = sandbox.clock.now();
    expect(await staff.locator('[data-hours="168"]').innerText()).toBe('+1 周');
    await staff.locator('[data-hours="168"]').click();
    await staff.locator('#toast', { hasText: '时间已前进到' }).waitFor();
    expect(sandbox.clock.now() - before).toBeGreaterThanOrEqual(168 * 3_600_000);

    const ledger = staff.locator('#messages a.document').last();
    await ledger.waitFor();

    // The summary is dated by the sandbox clock, a week on: its time stamp and the day separator before it.
    const committee = (await committeeChat(sandbox.app.deps.db, 'meiyuan'))!;
    const summary = sandbox.emu
      .chat(committee)
      .history()
      .filter((m) => m.document)
      .at(-1)!;
    const sent = summary.date * 1000;
    expect(sent).toBeGreaterThanOrEqual(before + 168 * 3_600_000 - 60_000);
    expect(sent).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    const timeZone = sandbox.app.deps.config.timezone;
    const time = new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(sent);
    const day = new Intl.DateTimeFormat('zh-CN', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(sent);
    const realDay = new Intl.DateTimeFormat('zh-CN', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(Date.now());
    const node = staff.locator(`#messages .msg[data-id="${summary.message_id}"]`);
    expect(await node.locator('.meta time').innerText()).toBe(time);
    expect(await staff.locator('#messages .day').last().innerText()).toBe(day);
    expect(day).not.toBe(realDay);
    // The messages of the real today are under their own separator, before it.
    expect(await staff.locator('#messages .day').allInnerTexts()).toContain(realDay);
    expect(await staff.locator('#clock').innerText()).toContain(
      new Intl.DateTimeFormat('zh-CN', { timeZone, day: 'numeric', month: 'short' }).format(sandbox.clock.now()),
    );
    const href = (await ledger.getAttribute('href'))!;
    const download = await staff.evaluate(async (url: string) => (await fetch(url)).status, href);
    expect(download).toBe(200);
    await shot(staff, '10-weekly-summary-desktop');

    // The same on a phone: the resident's own tab, after the jump.
    await resident.goto(`${sandbox.web.url}/?as=${RESIDENT}`);
    await resident.locator('#chat-list button').first().waitFor();
    await shot(resident, '11-chats-phone');
  });
});
