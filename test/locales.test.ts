import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../src/app';
import { I18n, LOCALES, placeholders, type Locale, type Params } from '../src/i18n';
import { duration, label } from '../src/phrases';

/** What value each argument of a template takes: a count, a choice among options, or text. */
type ArgKind = { kind: 'count' } | { kind: 'choice'; options: string[] } | { kind: 'text' };

/** Plain {name}s that hold a number of things; in English they need plural syntax before a noun. */
const COUNT_NAME =
  /^(n|h|m|count|max|min|total|capacity|days|hours|minutes|seconds|times|places|pages|photos|tasks|shifts|reports|taken|sent|failed|voted|waiting|left|came|made)$/;

/** Visits every element of an ICU tree, branches of plural and select included. */
function visit(elements: MessageFormatElement[], see: (el: MessageFormatElement, next: MessageFormatElement | undefined) => void): void {
  elements.forEach((el, i) => {
    see(el, elements[i + 1]);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) visit(o.value, see);
  });
}

function argumentsOf(template: string): Map<string, ArgKind> {
  const args = new Map<string, ArgKind>();
  visit(parse(template, { ignoreTag: true }), (el) => {
    if (el.type === TYPE.plural || el.type === TYPE.number) args.set(el.value, { kind: 'count' });
    else if (el.type === TYPE.select) args.set(el.value, { kind: 'choice', options: Object.keys(el.options) });
    else if (el.type === TYPE.argument && !args.has(el.value))
      args.set(el.value, COUNT_NAME.test(el.value) ? { kind: 'count' } : { kind: 'text' });
  });
  return args;
}

/** Sample values: counts at 1, 2 and 5 (one, two and many), each select option in turn, text as a word. */
function sampleParams(args: Map<string, ArgKind>): Params[] {
  return [1, 2, 5].flatMap((count, round) => {
    const choices = Math.max(1, ...[...args.values()].map((a) => (a.kind === 'choice' ? a.options.length : 1)));
    return Array.from({ length: choices }, (_, c) =>
      Object.fromEntries(
        [...args].map(([name, a]) => [
          name,
          a.kind === 'count' ? count : a.kind === 'choice' ? a.options[(c + round) % a.options.length]! : `[${name}]`,
        ]),
      ),
    );
  });
}

/** English keys whose plain {count-like} argument is followed by a plural word: "{days} days" reads "1 days". */
function unpluralisedCounts(template: string): string[] {
  const found: string[] = [];
  visit(parse(template, { ignoreTag: true }), (el, next) => {
    if (el.type !== TYPE.argument || !COUNT_NAME.test(el.value) || next?.type !== TYPE.literal) return;
    // A plural noun ends in s but not in -ss, -is, -us or -as ("this", "has", "was" are not nouns).
    const word = /^ ([a-z]+[^siua]s)\b/.exec(next.value)?.[1];
    if (word) found.push(`{${el.value}} ${word}`);
  });
  return found;
}

/** Plain {n} that is a position, not a count: "✅ No. 1 answers it". */
const ORDINALS = new Set(['ask.btn_this_answers']);

/**
 * Characters written only in Simplified Chinese (their Traditional forms differ). 志, 后, 划, 么 and
 * 愿 are left out: each is also a Traditional character of its own (志願, 皇后, 划船).
 */
const SIMPLIFIED_ONLY = [
  ...'时钟这个们请报问题还设让说选论区实记为产务发处楼现证样经过开关对会长间门东车电话见观员预约应该单网组书统计级达页边览认标况帮导备态轮',
];
const TRADITIONAL_ONLY = [
  ...'時鐘這個們請報問題還設讓說選論區實記為產務發處樓現證樣經過開關對會長間門東車電話見觀員預約應該單網組書統計級達頁邊覽認標況幫導備態輪',
];

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

  it.each(LOCALES)('%s renders every string with sample values (counts at 1, 2 and 5, every option)', (locale) => {
    const broken = i18n.keys(locale).flatMap((key) =>
      sampleParams(argumentsOf(i18n.t(locale, key))).flatMap((params) => {
        const text = i18n.t(locale, key, params);
        return /[{}]|undefined|NaN/.test(text) ? [`${key}: ${text}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('says every English count with plural syntax, never "1 days"', () => {
    const wrong = i18n
      .keys('en')
      .filter((key) => !ORDINALS.has(key))
      .flatMap((key) => unpluralisedCounts(i18n.t('en', key)).map((found) => `${key}: ${found}`));
    expect(wrong).toEqual([]);
  });

  it.each([
    ['zh-TW', SIMPLIFIED_ONLY],
    ['zh-CN', TRADITIONAL_ONLY],
  ] as [Locale, string[]][])('%s is written in its own script', (locale, foreign) => {
    const wrong = i18n.keys(locale).flatMap((key) => {
      const chars = [...new Set([...i18n.t(locale, key)].filter((c) => foreign.includes(c)))];
      return chars.length > 0 ? [`${key}: ${chars.join('')}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('uses the full-width colon in Chinese and the ASCII one in English', () => {
    // An ASCII colon is fine inside "14:30" and URLs; before a space or a word it is a label's colon.
    const chinese = (['zh-CN', 'zh-TW'] as const).flatMap((l) => i18n.keys(l).filter((k) => /:(?!\/\/|\d)/.test(i18n.t(l, k))));
    expect(chinese).toEqual([]);
    expect(i18n.keys('en').filter((k) => i18n.t('en', k).includes('：'))).toEqual([]);
  });

  it('writes labels and durations in each language', () => {
    const en = i18n.translator('en');
    const cn = i18n.translator('zh-CN');
    const tw = i18n.translator('zh-TW');
    expect(label(en, 'Status', 'open')).toBe('Status: open');
    expect(label(cn, '状态', '已受理')).toBe('状态：已受理');
    expect([60, 30, 90, 1, 120].map((m) => duration(en, m))).toEqual(['1 hour', '30 minutes', '1 hour 30 minutes', '1 minute', '2 hours']);
    expect([60, 30, 90].map((m) => duration(cn, m))).toEqual(['1小时', '30分钟', '1小时30分钟']);
    expect([60, 30, 90].map((m) => duration(tw, m))).toEqual(['1小時', '30分鐘', '1小時30分鐘']);
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
