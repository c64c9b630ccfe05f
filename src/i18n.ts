import { readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

/**
 * Translations live in locales/<locale>/<namespace>.json; a key is "<namespace>.<key>".
 * One file per feature keeps each feature's strings next to each other in every language.
 * Strings are ICU MessageFormat (intl-messageformat, the engine i18next-icu wraps; our loader already
 * does namespaces and fallback): {name} inserts a value as given (callers escape HTML), and a
 * counted noun is "{count, plural, one {# hour} other {# hours}}" so each language's plural rules
 * apply. Tags like <b> stay literal text (Telegram's HTML), not ICU rich-text tags.
 */

export const LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Maps Telegram's language_code to one of ours: zh-hant/zh-tw/zh-hk → zh-TW, zh* → zh-CN, en* → en. */
export function guessLocale(languageCode: string | undefined, fallback: Locale): Locale {
  const code = (languageCode ?? '').toLowerCase();
  if (/^zh-(tw|hk|mo|hant)/.test(code)) return 'zh-TW';
  if (code.startsWith('zh')) return 'zh-CN';
  if (code.startsWith('en')) return 'en';
  return fallback;
}

export class I18n {
  private readonly tables = new Map<Locale, Map<string, string>>();
  private readonly formats = new Map<string, IntlMessageFormat>();

  constructor(
    dir: string,
    readonly defaultLocale: Locale,
  ) {
    for (const locale of LOCALES) {
      const table = new Map<string, string>();
      for (const file of readdirSync(join(dir, locale)).filter((f) => f.endsWith('.json'))) {
        const ns = basename(file, '.json');
        const data = JSON.parse(readFileSync(join(dir, locale, file), 'utf8')) as Record<string, unknown>;
        flatten(ns, data, table);
      }
      this.tables.set(locale, table);
    }
  }

  keys(locale: Locale): string[] {
    return [...(this.tables.get(locale)?.keys() ?? [])];
  }

  has(locale: Locale, key: string): boolean {
    return this.tables.get(locale)?.has(key) ?? false;
  }

  /** Falls back to the default locale, then to the key itself so a missing string is visible, not fatal. */
  t(locale: Locale, key: string, params?: Params): string {
    const found = this.tables.get(locale)?.has(key) ? locale : this.defaultLocale;
    const template = this.tables.get(found)?.get(key);
    if (template === undefined) return key;
    if (!template.includes('{')) return template;
    try {
      return String(this.compiled(found, key, template).format(params ?? {}));
    } catch {
      // A caller that forgot a value gets the text with that {name} left visible, as before, not a crash.
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
    }
  }

  /** Each template is parsed once, the first time it is used. */
  private compiled(locale: Locale, key: string, template: string): IntlMessageFormat {
    const cacheKey = `${locale}\u0000${key}`;
    let format = this.formats.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(template, locale, undefined, { ignoreTag: true });
      this.formats.set(cacheKey, format);
    }
    return format;
  }

  translator(locale: Locale): Translate {
    return (key, params) => this.t(locale, key, params);
  }
}

function flatten(prefix: string, value: Record<string, unknown>, into: Map<string, string>): void {
  for (const [k, v] of Object.entries(value)) {
    const key = `${prefix}.${k}`;
    if (typeof v === 'string') into.set(key, v);
    else if (v && typeof v === 'object') flatten(key, v as Record<string, unknown>, into);
  }
}

/** The names of the values a template takes (plural and select arguments included), sorted. */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  const walk = (elements: MessageFormatElement[]): void => {
    for (const el of elements) {
      if (el.type === TYPE.literal || el.type === TYPE.pound || el.type === TYPE.tag) continue;
      names.add(el.value);
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) walk(o.value);
    }
  };
  walk(new IntlMessageFormat(template, 'en', undefined, { ignoreTag: true }).getAst());
  return [...names].sort();
}

/** Escapes user text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
