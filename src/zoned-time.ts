/**
 * Wall-clock time in a time zone (the committee's TIMEZONE), without a date library: the
 * scheduler's periods and the summary's weeks are both counted in local days.
 */

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday, as in cron. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

const named = new Map<string, Intl.DateTimeFormat>();

/**
 * An Intl.DateTimeFormat is slow to build (it loads locale data) and the views use the same few
 * over and over: each (name, locale, zone) is built once. `name` stands for the options.
 */
export function dateFormat(name: string, locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${name}|${locale}|${timeZone}`;
  let f = named.get(key);
  if (!f) named.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone })));
  return f;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The local calendar fields of an instant, seconds included. */
function localParts(epochMs: number, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
}

export function wallClock(epochMs: number, timeZone: string): WallClock {
  const parts = localParts(epochMs, timeZone);
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday],
  };
}

/** The epoch of a local wall-clock time (the earlier one when a DST change makes it ambiguous). */
export function zonedEpoch(t: { year: number; month: number; day: number; hour?: number; minute?: number }, timeZone: string): number {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour ?? 0, t.minute ?? 0);
  // The zone's offset at a guess, corrected once more for a guess on the other side of a DST change.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = asUtc - zoneOffset(guess, timeZone);
  return guess;
}

/** A local calendar day, with no time of day: its zonedEpoch is the day's local midnight. */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

/**
 * The local day of an instant. Not its wallClock: zonedEpoch reads a wall clock's hour and
 * minute too, so a day taken from one would start at that minute rather than at midnight.
 */
export function localDay(epochMs: number, timeZone: string): LocalDay {
  const { year, month, day } = wallClock(epochMs, timeZone);
  return { year, month, day };
}

/** The local calendar day `days` after the given one (negative goes back). */
export function addDays(d: LocalDay, days: number): LocalDay {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** How many calendar days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: LocalDay, b: LocalDay): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-30", the local date. */
export function isoDate(d: { year: number; month: number; day: number }): string {
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** "2026-11-30T09:00", the local date and time: readable, sorts in time order. */
export function isoMinute(w: WallClock): string {
  return `${isoDate(w)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * Offsets by zone and quarter hour of UTC. Zones' offsets are whole quarter hours and change on
 * a quarter hour, so one answer holds for its whole quarter; formatToParts is slow enough that a
 * help request's time step (nine offsets) showed in bench 1's profile.
 */
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

/** The time zone's offset from UTC at that instant, in ms (local wall time minus UTC). */
export function zoneOffset(at: number, timeZone: string): number {
  const key = `${timeZone} ${Math.floor(at / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = localParts(at, timeZone);
    const n = (type: string) => Number(p[type]);
    offset = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second')) - Math.floor(at / 1000) * 1000;
    if (offsets.size >= 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}
