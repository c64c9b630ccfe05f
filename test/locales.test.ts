import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../src/app';
import { I18n, LOCALES, placeholders } from '../src/i18n';

describe('locales', () => {
  const i18n = new I18n(LOCALES_DIR, 'zh-CN');
  const all = new Set(LOCALES.flatMap((l) => i18n.keys(l)));

  it.each(LOCALES)('%s has every key that any locale has', (locale) => {
    const missing = [...all].filter((k) => !i18n.has(locale, k));
    expect(missing).toEqual([]);
  });

  it.each(LOCALES)('%s uses the same placeholders as the others', (locale) => {
    const wrong = [...all]
      .filter((k) => LOCALES.every((l) => i18n.has(l, k)))
      .filter((k) => placeholders(i18n.t(locale, k)).join() !== placeholders(i18n.t('en', k)).join());
    expect(wrong).toEqual([]);
  });

  it.each(LOCALES)('%s renders every string with sample values (1 and 2 of everything)', (locale) => {
    const broken = i18n.keys(locale).flatMap((key) =>
      [1, 2].flatMap((value) => {
        const params = Object.fromEntries(placeholders(i18n.t(locale, key)).map((name) => [name, value]));
        const text = i18n.t(locale, key, params);
        return /[{}]/.test(text) ? [`${key}: ${text}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it("counts nouns with each language's plural rules", () => {
    const say = (locale: 'en' | 'zh-CN' | 'zh-TW', key: string, params: Record<string, string | number>) => i18n.t(locale, key, params);
    expect(say('en', 'help.hours_month', { month: 'Nov', hours: '1 h', tasks: 1 })).toBe('Nov: 1 h (1 time)');
    expect(say('en', 'help.hours_month', { month: 'Nov', hours: '3 h', tasks: 3 })).toBe('Nov: 3 h (3 times)');
    expect(say('en', 'help.shift_places', { taken: 1, places: 1 })).toBe('👥 1/1 place taken');
    expect(say('en', 'hazards.card_support', { n: 1 })).toBe('👥 1 more resident reports the same');
    expect(say('en', 'hazards.card_support', { n: 4 })).toBe('👥 4 more residents report the same');
    expect(say('en', 'summary.duration_days', { n: 1 })).toBe('1 day');
    expect(say('zh-CN', 'hazards.card_support', { n: 1 })).toContain('1 位居民');
    expect(say('zh-TW', 'summary.duration_hours', { n: 2 })).toBe('2 小時');
    expect(say('zh-CN', 'summary.duration_hours', { n: 2 })).toBe('2 小时');
  });

  it.each(LOCALES)('%s has no empty string', (locale) => {
    expect(i18n.keys(locale).filter((k) => i18n.t(locale, k).trim() === '')).toEqual([]);
  });
});

describe('every translation key the code names exists', () => {
  it('has each literal key used in src/ and flows/', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk('src');
    walk('flows');
    const i18n = new I18n(LOCALES_DIR, 'zh-CN');
    const used = new Set<string>();
    for (const f of files) {
      // t('ns.key'), t("ns.key"), i18n.t(locale, 'ns.key'), and description/menuLabel: 'ns.key'
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bt\(|\.t\([^,()]+,\s*|description:\s*|menuLabel:\s*)'([a-z_]+\.[a-z0-9_.]+)'/g))
        used.add(m[1]);
    }
    expect([...used].filter((k) => !i18n.has('en', k))).toEqual([]);
  });
});
