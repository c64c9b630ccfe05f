import type { Communities } from '../../../community/config';
import type { Locale, Translate } from '../../../i18n';

/** What every page is rendered with: the viewer's language and session, and where links lead. */
export interface PageContext {
  t: Translate;
  locale: Locale;
  timeZone: string;
  communities: Communities;
  /** The session token; every link carries it (see services/auth.ts). */
  token: string;
  /** The community shown. */
  communityId: string;
  /** The communities this person may open (staff: their own; admins: all). */
  allowed: string[];
  isAdmin: boolean;
}

/** Escapes text for HTML content and attribute values. */
export function esc(text: string | number | null | undefined): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const BASE = '/dashboard';

/** A link inside the dashboard: the session, community and language travel along. */
export function href(pc: PageContext, path: string, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams({ s: pc.token, c: pc.communityId, lang: pc.locale });
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `${BASE}/${path}?${q.toString()}`;
}

export const communityName = (pc: Pick<PageContext, 'communities' | 'locale'>, id: string) =>
  pc.communities.community(id)?.name[pc.locale] ?? id;
export const categoryName = (pc: Pick<PageContext, 'communities' | 'locale'>, id: string) =>
  pc.communities.config.hazardCategories.find((c) => c.id === id)?.name[pc.locale] ?? id;
export const buildingName = (pc: Pick<PageContext, 'communities' | 'locale'>, communityId: string, id: string | null) =>
  id === null ? '' : (pc.communities.building(communityId, id)?.name[pc.locale] ?? id);

export function formatTime(pc: Pick<PageContext, 'locale' | 'timeZone'>, at: number): string {
  return new Intl.DateTimeFormat(pc.locale, { timeZone: pc.timeZone, dateStyle: 'short', timeStyle: 'short' }).format(at);
}

export function formatDay(pc: Pick<PageContext, 'locale' | 'timeZone'>, at: number): string {
  return new Intl.DateTimeFormat(pc.locale, { timeZone: pc.timeZone, month: 'numeric', day: 'numeric' }).format(at);
}

export const rate = (v: number | null) => (v === null ? '—' : `${v}%`);
export const hours = (minutes: number) => (Math.round(minutes / 6) / 10).toFixed(1);

/**
 * A table; on a narrow phone each row becomes a small card of "label: value" lines (the labels
 * come from data-label, see layout.ts), and a table that is not stacked scrolls in its own box.
 */
export function table(head: string[], rows: string[][], cls = '', stack = true): string {
  // The headings are HTML already (escaped text, perhaps a tag): their text, still escaped, is the label.
  const label = (i: number) => head[i].replace(/<[^>]+>/g, '');
  return `<div class="scroll"><table class="${cls}${stack ? ' stack' : ''}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td data-label="${label(i)}">${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}
