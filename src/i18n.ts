import { readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';

/**
 * Translations live in locales/<locale>/<namespace>.json; a key is "<namespace>.<key>".
 * One file per feature keeps each feature's strings next to each other in every language.
 * Placeholders are written {name}; values are inserted as given (callers escape HTML).
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
    const template = this.tables.get(locale)?.get(key) ?? this.tables.get(this.defaultLocale)?.get(key) ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
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

export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

/** Escapes user text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
