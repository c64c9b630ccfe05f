import { DAY, HOUR } from '../clock';
import type { Locale } from '../i18n';
import { dateFormat, zoneOffset } from '../zoned-time';

/**
 * Local days and time windows in the configured time zone, done in TypeScript so SQL stays
 * portable. Windows are [start, end) in epoch ms; null start means "as soon as possible".
 */

/** Named windows a resident picks from, as local hours. */
export const SLOTS = { morning: [8, 12], afternoon: [13, 17], evening: [18, 21] } as const;
export type Slot = keyof typeof SLOTS;

/** Local midnight of the day `plusDays` after the day of `now`. */
export function localMidnight(now: number, timeZone: string, plusDays = 0): number {
  const local = now + zoneOffset(now, timeZone);
  const midnightLocal = Math.floor(local / DAY) * DAY + plusDays * DAY;
  // Offsets change at most by hours; correcting with the offset at the result is enough.
  return midnightLocal - zoneOffset(midnightLocal - zoneOffset(now, timeZone), timeZone);
}

export function slotWindow(now: number, timeZone: string, plusDays: number, slot: Slot): { start: number; end: number } {
  const midnight = localMidnight(now, timeZone, plusDays);
  return { start: midnight + SLOTS[slot][0] * HOUR, end: midnight + SLOTS[slot][1] * HOUR };
}

/** The slots of a local day that have not ended at `now` (all of them on a later day). */
export function slotsLeft(now: number, timeZone: string, plusDays: number): Slot[] {
  return (Object.keys(SLOTS) as Slot[]).filter((slot) => slotWindow(now, timeZone, plusDays, slot).end > now);
}

/** "HH:MM" on a local day, or undefined when the text is not a time of day. */
export function localTime(now: number, timeZone: string, plusDays: number, text: string): number | undefined {
  const m = /^\s*(\d{1,2})[:：.](\d{2})\s*$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
  return localMidnight(now, timeZone, plusDays) + Number(m[1]) * HOUR + Number(m[2]) * 60_000;
}

const INTL: Record<Locale, string> = { 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', en: 'en-GB' };

export function formatDay(at: number, locale: Locale, timeZone: string): string {
  return dateFormat('day', INTL[locale], timeZone, { month: 'short', day: 'numeric', weekday: 'short' }).format(at);
}

export function formatTime(at: number, locale: Locale, timeZone: string): string {
  return dateFormat('time', INTL[locale], timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "Thu 5 Dec 14:00–17:00"; undefined for "as soon as possible". */
export function formatWindow(start: number | null, end: number | null, locale: Locale, timeZone: string): string | undefined {
  if (start === null) return undefined;
  const from = `${formatDay(start, locale, timeZone)} ${formatTime(start, locale, timeZone)}`;
  return end === null ? from : `${from}–${formatTime(end, locale, timeZone)}`;
}

/** "2026-11" in the local zone, for /hours. */
export function monthKey(at: number, timeZone: string): string {
  return dateFormat('month', 'en-CA', timeZone, { year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
}

/** The same local time one week or one month later. */
export function nextOccurrence(at: number, every: 'week' | 'month', timeZone: string): number {
  if (every === 'week') return at + 7 * DAY;
  const offset = zoneOffset(at, timeZone);
  const d = new Date(at + offset);
  const month = d.getUTCMonth() + 1;
  const day = Math.min(d.getUTCDate(), 28);
  const local = Date.UTC(d.getUTCFullYear() + Math.floor(month / 12), month % 12, day, d.getUTCHours(), d.getUTCMinutes());
  return local - zoneOffset(local - offset, timeZone);
}
