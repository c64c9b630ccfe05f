import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppLaunchUrl, type EmulatedUser } from '../src/sandbox/emulator';
import { startSandbox } from '../src/sandbox/sandbox';
import { STAFF } from '../src/sandbox/seed';
import { ARTIFACTS, CHROMIUM, DESKTOP, hasChromium, PHONE, streetLightPhoto } from './helpers/browser';
import { seedShowcase, startDashboardWorld, type DashboardWorld } from './helpers/dashboard';

/**
 * The dashboard as staff use it: opened from Telegram in Debian's Chromium, on a desktop and on a
 * 390-px phone. Screenshots of every page go to test/.artifacts/dashboard-*.png to be looked at.
 */

if (!hasChromium) console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
const inBrowser = it.skipIf(!hasChromium);

describe('the staff dashboard in a browser', () => {
  let d: DashboardWorld;
  let browser: BrowserContext;
  let dir: string;
  let page: Page;

  /** Opens the Mini App as Telegram does: the launch data in the fragment of its address. */
  const open = async (who: EmulatedUser, ageSeconds = 0) => {
    // A new fragment alone would not load the page again.
    await page.goto('about:blank');
    await page.goto(webAppLaunchUrl(`${d.base}/dashboard/`, d.world.emu.webAppInitData(who, ageSeconds)));
  };
  const shot = async (name: string, size: 'phone' | 'desktop') => {
    await page.setViewportSize(size === 'phone' ? PHONE : DESKTOP);
    await page.evaluate(async () => {
      await Promise.all(['400', '700'].map((w) => document.fonts.load(`${w} 16px "Noto Sans SC"`, document.body.innerText)));
      await document.fonts.ready;
    });
    // Nothing sticks out sideways on a phone: wide tables scroll inside their own box.
    if (size === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-${size}.png`), fullPage: true });
  };
  const both = async (name: string) => {
    await shot(name, 'desktop');
    await shot(name, 'phone');
  };

  beforeAll(async () => {
    if (!hasChromium) return;
    d = await startDashboardWorld();
    await seedShowcase(d.world, 'meiyuan', 700_000);
    await seedShowcase(d.world, 'guihua', 710_000);
    dir = mkdtempSync(join(tmpdir(), 'linli-dashboard-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: DESKTOP,
      locale: 'zh-CN',
    });
    browser.setDefaultTimeout(10_000);
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 90_000);

  afterAll(async () => {
    if (!hasChromium) return;
    await browser?.close();
    expect(d.world.emu.rejected).toEqual([]);
    await d.world.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  inBrowser('staff sign in from Telegram, see a report appear after it is filed in chat, filter it and open its detail', async () => {
    await open(d.lin);
    // Lin reads English; the page follows his language.
    await page.locator('nav a[aria-current]', { hasText: 'Plan' }).waitFor();
    const before = await page.locator('svg.plan a.dot').count();

    const ana = await d.world.resident('Ana', { building: 'b2' });
    const id = await d.fileLightReport(ana, '2号楼门口的路灯坏了，晚上很黑', streetLightPhoto());
    const publicId = `R-${id + 1000}`;
    await page.reload();
    await page.locator(`svg.plan a.dot[data-report="${publicId}"]`).waitFor();
    expect(await page.locator('svg.plan a.dot').count()).toBe(before + 1);
    await both('plan');

    await page.locator('nav a', { hasText: 'Reports' }).click();
    await page.locator('table.reports a', { hasText: publicId }).waitFor();
    await page.selectOption('select[name=category]', 'rubbish');
    await page.click('form.filters button[type=submit]');
    await page.locator('.empty, table.reports').first().waitFor();
    expect(await page.locator('table.reports a', { hasText: publicId }).count()).toBe(0);
    await page.selectOption('select[name=category]', 'light');
    await page.selectOption('select[name=building]', 'b2');
    await page.click('form.filters button[type=submit]');
    await page.locator('table.reports a', { hasText: publicId }).waitFor();
    const light = d.world.app.deps.communities.config.hazardCategories.find((c) => c.id === 'light')!.name.en;
    const categories = await page.locator('table.reports tbody tr td:nth-child(2)').allInnerTexts();
    expect(categories.length).toBeGreaterThan(0);
    expect(categories.every((c) => c === light)).toBe(true);
    // The filter stays chosen, and the session is not in the address a photo or link would leak (no-referrer).
    expect(await page.inputValue('select[name=category]')).toBe('light');
    await both('reports');

    // Staff acknowledge it in the committee group; the detail shows the photo and the history.
    const card = d.group.messages().find((m) => (m.caption ?? m.text ?? '').includes(publicId))!;
    await d.lin.press('👀 受理', { in: d.group, messageId: card.message_id });
    await page.locator('table.reports a', { hasText: publicId }).click();
    await page.locator('h2', { hasText: publicId }).waitFor();
    await page.locator('.description', { hasText: '2号楼门口的路灯坏了' }).waitFor();
    const img = page.locator('.photos img').first();
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('ol.history li').allInnerTexts()).toEqual([
      expect.stringMatching(/Filed → New · Ana/),
      expect.stringMatching(/Acknowledged → Acknowledged · Lin/),
    ]);
    await both('detail');

    for (const [nav, name] of [
      ['Trends', 'trends'],
      ['Volunteers', 'volunteers'],
      ['Events', 'events'],
    ] as const) {
      await page.locator('nav a', { hasText: nav }).click();
      await page.locator('nav a[aria-current]', { hasText: nav }).waitFor();
      await both(name);
    }
    expect(await page.locator('table.events tbody tr').count()).toBe(3);
    await page.locator('nav a', { hasText: 'Volunteers' }).click();
    await page.locator('table.volunteers', { hasText: '王建国' }).waitFor();
    // No street-office page for staff.
    expect(await page.locator('nav a', { hasText: 'Street office' }).count()).toBe(0);

    // The same pages in Chinese, by the language links.
    await page.locator('.langs a', { hasText: '简体中文' }).click();
    await page.locator('nav a[aria-current]', { hasText: '志愿者' }).waitFor();
    await page.locator('nav a', { hasText: '趋势' }).click();
    await page.locator('svg.rates').waitFor();
    await both('trends-zh');
    await page.locator('.langs a', { hasText: '繁體中文' }).click();
    await page.locator('nav a', { hasText: '平面圖' }).click();
    await page.locator('svg.plan').waitFor();
    await both('plan-zh-tw');
  });

  inBrowser("forged or expired launch data is refused, and a resident's sees no staff page", async () => {
    const genuine = new URLSearchParams(d.world.emu.webAppInitData(d.lin));
    genuine.set('auth_date', String(Number(genuine.get('auth_date')) + 1));
    await page.goto('about:blank');
    await page.goto(webAppLaunchUrl(`${d.base}/dashboard/`, genuine.toString()));
    await page.locator('#status[data-refused="forged"]').waitFor();
    expect(await page.locator('nav').count()).toBe(0);
    await both('refused-forged');

    await open(d.lin, 2 * 3600);
    await page.locator('#status[data-refused="expired"]').waitFor();

    const bo = await d.world.resident('Bo');
    await open(bo);
    await page.locator('#status[data-refused="not_staff"]', { hasText: '工作台仅供居委会工作人员使用' }).waitFor();
    await both('refused-resident');
    // Without a session no page opens, whatever the address says.
    const direct = await page.goto(`${d.base}/dashboard/reports?c=meiyuan`);
    expect(direct?.status()).toBe(401);
    expect(await page.locator('table').count()).toBe(0);
  });

  inBrowser('in the sandbox, staff press the /dashboard button and the dashboard opens signed in', async () => {
    const sandbox = await startSandbox({ dir: join(dir, 'sandbox'), port: 0, logLevel: 'silent' });
    try {
      const chat = await browser.newPage();
      await chat.goto(`${sandbox.web.url}/?as=${STAFF}`);
      await chat
        .locator('#chat-list button')
        .filter({ has: chat.locator('b').getByText('Linli', { exact: true }) })
        .click();
      await chat.fill('#input', '/dashboard');
      await chat.press('#input', 'Enter');
      const button = chat.locator('#messages button.inline', { hasText: '打开工作台' }).last();
      await button.waitFor();
      const [app] = await Promise.all([browser.waitForEvent('page'), button.click()]);
      await app.locator('nav a[aria-current]', { hasText: '平面图' }).waitFor();
      expect(app.url()).not.toContain('tgWebAppData');
      await app.close();

      // /dashboard also set the chat's menu button to the Mini App: it shows the bot's label and opens the dashboard signed in.
      // (setChatMenuButton goes through the outbox, after the reply.)
      await expect.poll(() => sandbox.emu.menuButton(STAFF).type).toBe('web_app');
      const set = sandbox.emu.menuButton(STAFF) as { type: string; text: string };
      expect(set.text).toBe('工作台');
      const menu = chat.locator('#menu-button', { hasText: set.text });
      await menu.waitFor();
      await chat.screenshot({ path: join(ARTIFACTS, 'dashboard-sandbox-menu-button.png') });
      const [fromMenu] = await Promise.all([browser.waitForEvent('page'), menu.click()]);
      await fromMenu.locator('nav a[aria-current]', { hasText: '平面图' }).waitFor();
      expect(fromMenu.url()).not.toContain('tgWebAppData');
      // The command list is not what it opens.
      expect(await chat.locator('#panel').isHidden()).toBe(true);
      await chat.close();
      await fromMenu.close();
    } finally {
      await sandbox.stop();
    }
  });

  inBrowser('an admin sees every community side by side, ranked, and can switch community', async () => {
    await open(d.world.admin());
    await page.locator('nav a', { hasText: 'Street office' }).click();
    await page.locator('table.street').waitFor();
    const ranked = await page.locator('table.street tbody tr td:nth-child(2)').allInnerTexts();
    expect(ranked.sort()).toEqual(['Guihua Community', 'Meiyuan Community']);
    await both('street');
    await page.locator('nav a', { hasText: 'Plan' }).click();
    await page.selectOption('header select[name=c]', 'guihua');
    await page.locator('header select[name=c]').evaluate((el: HTMLSelectElement) => el.value === 'guihua');
    await page.waitForURL(/c=guihua/);
    await page.locator('svg.plan').waitFor();
    await both('plan-admin-guihua');
  });
});
