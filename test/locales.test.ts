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
