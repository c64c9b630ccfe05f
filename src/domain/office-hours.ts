import { addDays, isoDate, wallClock, zonedEpoch } from '../zoned-time';

/**
 * Opening hours as staff write them, in one small grammar the config and the chat share:
 * "mon-fri 08:30-12:00 13:30-17:30; sat 09:00-12:00", "daily 22:00-06:00" (an end at or
 * before the start runs past midnight into the next day), "closed". Holidays (local dates)
 * close a day's openings; an opening that began the evening before a holiday still runs
 * its hours after midnight, since it belongs to the day it began.
 */

export interface Opening {
  /** Weekdays it begins on, 0 = Sunday. */
  days: number[];
  /** Minutes after local midnight. */
  from: number;
  /** Minutes after local midnight of the day it begins (to ≤ from: on the next day). */
  to: number;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES_PER_DAY = 24 * 60;

function parseDays(word: string): number[] | undefined {
  if (word === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of word.split('/')) {
    const [a, b] = part.split('-').map((d) => DAY_NAMES.indexOf(d));
    if (a < 0 || (b !== undefined && b < 0) || part.split('-').length > 2) return undefined;
    // "fri-mon" wraps round the week.
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (b === undefined || d === b) break;
    }
  }
  return [...days].sort();
}

function parseRange(text: string): { from: number; to: number } | undefined {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 > 0)) return undefined;
  const from = h1 * 60 + m1;
  const to = h2 * 60 + m2;
  return from === to && to !== 0 ? undefined : { from, to: to === 0 && from === 0 ? MINUTES_PER_DAY : to };
}

/** The openings the text describes ([] for "closed"), or undefined when it does not follow the grammar. */
export function parseHours(text: string): Opening[] | undefined {
  const normalised = text
    .trim()
    .toLowerCase()
    .replace(/[：]/g, ':')
    .replace(/[－–—~～]/g, '-')
    .replace(/[；\n]/g, ';');
  if (normalised === 'closed') return [];
  const openings: Opening[] = [];
  for (const entry of normalised.split(';').map((e) => e.trim())) {
    if (!entry) continue;
    const [dayWord, ...ranges] = entry.split(/\s+/);
    const days = parseDays(dayWord);
    if (!days || ranges.length === 0) return undefined;
    for (const r of ranges) {
      const range = parseRange(r);
      if (!range) return undefined;
      openings.push({ days, ...range });
    }
  }
  return openings.length > 0 ? openings : undefined;
}

/** Is a place with these openings open at `at`, in the time zone, with these local dates ("2026-10-01") closed? */
export function isOpenAt(openings: Opening[], at: number, timeZone: string, holidays: readonly string[]): boolean {
  const now = wallClock(at, timeZone);
  const minute = now.hour * 60 + now.minute;
  const today = { year: now.year, month: now.month, day: now.day };
  const yesterday = addDays(today, -1);
  const todayOpen = !holidays.includes(isoDate(today));
  const yesterdayOpen = !holidays.includes(isoDate(yesterday));
  const yesterdayWeekday = (now.weekday + 6) % 7;
  return openings.some((o) => {
    const overnight = o.to <= o.from;
    if (todayOpen && o.days.includes(now.weekday) && minute >= o.from && (overnight || minute < o.to)) return true;
    return overnight && yesterdayOpen && o.days.includes(yesterdayWeekday) && minute < o.to;
  });
}

/**
 * The starts of bookable slots on one local day: each opening that begins that day, cut into
 * `minutes`-long slots that end within it. None on a holiday.
 */
export function slotStarts(
  openings: Opening[],
  day: { year: number; month: number; day: number },
  minutes: number,
  timeZone: string,
  holidays: readonly string[],
): number[] {
  if (holidays.includes(isoDate(day))) return [];
  const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
  const starts = new Set<number>();
  for (const o of openings.filter((x) => x.days.includes(weekday))) {
    const end = o.to <= o.from ? o.to + MINUTES_PER_DAY : o.to;
    for (let m = o.from; m + minutes <= end; m += minutes) starts.add(zonedEpoch({ ...day, hour: 0, minute: m }, timeZone));
  }
  return [...starts].sort((a, b) => a - b);
}
