import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';
import { Communities, loadCommunityConfig } from '../src/community/config';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const fails = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('configuration', () => {
  it('needs only BOT_TOKEN and fills in the defaults', () => {
    const c = parseConfig({ BOT_TOKEN: TOKEN });
    expect(c.mode).toEqual({ kind: 'polling' });
    expect(c.database).toEqual({ kind: 'sqlite', path: 'data/linli.db' });
    expect(c.defaultLocale).toBe('zh-CN');
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.apiRoot).toBe('https://api.telegram.org');
    expect(c.adminIds).toEqual([]);
  });

  it.each([
    [{}, /^Configuration error: BOT_TOKEN is required/],
    [{ BOT_TOKEN: 'nonsense' }, /^Configuration error: BOT_TOKEN does not look like a bot token/],
    [{ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'not a url' }, /^Configuration error: TELEGRAM_API_ROOT must be a URL/],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: 'carrier-pigeon' }, /^Configuration error: BOT_MODE must be polling or webhook/],
    [
      { BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_SECRET: 'a'.repeat(20) },
      /^Configuration error: WEBHOOK_URL is required in webhook mode/,
    ],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.org/tg' }, /^Configuration error: WEBHOOK_SECRET is required/],
    [
      { BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.org/tg', WEBHOOK_SECRET: 'short' },
      /^Configuration error: WEBHOOK_SECRET must be 16-256/,
    ],
    [
      { BOT_TOKEN: TOKEN, BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.org/tg', WEBHOOK_SECRET: 'a'.repeat(20), PORT: 'eighty' },
      /^Configuration error: PORT must be a port number/,
    ],
    [{ BOT_TOKEN: TOKEN, DATABASE_URL: 'mysql://x' }, /^Configuration error: DATABASE_URL must be sqlite:<path> or postgres/],
    [{ BOT_TOKEN: TOKEN, REDIS_URL: 'localhost' }, /^Configuration error: REDIS_URL must be redis:\/\/host:port/],
    [{ BOT_TOKEN: TOKEN, ADMIN_IDS: '12,abc' }, /^Configuration error: ADMIN_IDS must be comma-separated Telegram user ids/],
    [{ BOT_TOKEN: TOKEN, DEFAULT_LOCALE: 'fr' }, /^Configuration error: DEFAULT_LOCALE must be one of zh-CN, zh-TW, en/],
    [{ BOT_TOKEN: TOKEN, TIMEZONE: 'Mars/Olympus' }, /^Configuration error: TIMEZONE is not an IANA time zone/],
    [{ BOT_TOKEN: TOKEN, LOG_LEVEL: 'loud' }, /^Configuration error: LOG_LEVEL/],
  ])('%j is refused with one clear line', (env, message) => {
    const m = fails(env as Record<string, string>);
    expect(m).toMatch(message);
    expect(m).not.toContain('\n');
  });

  it('reads webhook mode, postgres and admins', () => {
    const c = parseConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.org/tg',
      WEBHOOK_SECRET: 'abcdefghijklmnop1234',
      PORT: '9000',
      DATABASE_URL: 'postgres://u@h/db',
      ADMIN_IDS: '1, 2',
    });
    expect(c.mode).toEqual({ kind: 'webhook', url: 'https://bot.example.org/tg', secret: 'abcdefghijklmnop1234', port: 9000 });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(c.adminIds).toEqual([1, 2]);
  });
});

describe('community configuration', () => {
  it('ships a valid example with two communities of one street office', () => {
    const cfg = loadCommunityConfig('src/community/example.json');
    expect(cfg.communities.map((c) => c.id)).toEqual(['meiyuan', 'guihua']);
    expect(cfg.hazardCategories.some((c) => c.emergency)).toBe(true);
  });

  it('names the file and the place of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        streetOffice: { name: { 'zh-CN': 'a', 'zh-TW': 'a', en: 'a' } },
        communities: [{ id: 'Bad Id', name: {}, buildings: [] }],
      }),
    );
    expect(() => loadCommunityConfig(file)).toThrow(/COMMUNITY_CONFIG .*bad\.json at communities\.0\.id/);
    writeFileSync(file, '{ nope');
    expect(() => loadCommunityConfig(file)).toThrow(/cannot be read as JSON/);
  });

  it("reads a community's named spots: a location within spotRadiusMeters is near one, and spot ids are unique", () => {
    const example = loadCommunityConfig('src/community/example.json');
    const communities = new Communities(example);
    expect(communities.settings.spotRadiusMeters).toBe(50);
    expect(communities.nearestSpot('meiyuan', { latitude: 31.2287, longitude: 121.4734 })?.id).toBe('south_bus');
    expect(communities.nearestSpot('meiyuan', { latitude: 31.2304, longitude: 121.4737 })).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'linli-'));
    const file = join(dir, 'spots.json');
    const [meiyuan] = example.communities;
    writeFileSync(file, JSON.stringify({ ...example, communities: [{ ...meiyuan, spots: [meiyuan.spots[0], meiyuan.spots[0]] }] }));
    expect(() => loadCommunityConfig(file)).toThrow(/communities\.0\.spots: duplicate spot id "east_market"/);
  });
});
