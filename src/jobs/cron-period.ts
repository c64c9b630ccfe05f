import cron from 'node-cron';
import { addDays, isoMinute, wallClock, zonedEpoch } from '../zoned-time';

/**
 * Which period of a cron schedule "now" is in: the most recent time the expression was due,
 * in the configured time zone. That time, written as local wall-clock time, is the period key
 * a run claims, so a restart within the period finds it taken and a missed period is seen.
 * node-cron 4 computes only the next run of a started task, so the previous one is found here
 * from node-cron's parsed fields (minute resolution; a seconds field is ignored).
 */

export interface Period {
  /** Local wall-clock time of the due moment, e.g. "2026-11-30T09:00". */
  key: string;
  dueAt: number;
}

const parsed = new Map<string, ReturnType<typeof cron.parse>>();

function fields(expression: string) {
  let f = parsed.get(expression);
  if (!f) {
    if (!cron.validate(expression)) throw new Error(`invalid cron expression "${expression}"`);
    f = cron.parse(expression);
    parsed.set(expression, f);
  }
  return f;
}

/** The latest due time at or before `now`, looking back at most a year and a day. */
export function currentPeriod(expression: string, now: number, timeZone: string): Period | undefined {
  const f = fields(expression);
  const dom = new Set(f.dayOfMonth.map(Number));
  const dow = new Set(f.dayOfWeek.map(Number));
  // Cron's rule: when both day fields are restricted, a day matching either one is due.
  const domRestricted = dom.size < 31;
  const dowRestricted = dow.size < 7;
  const months = new Set(f.month);
  const hours = [...f.hour].sort((a, b) => b - a);
  const minutes = [...f.minute].sort((a, b) => b - a);
  const local = wallClock(now, timeZone);

  for (let back = 0; back <= 366; back++) {
    const day = addDays(local, -back);
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (!months.has(day.month)) continue;
    const domOk = dom.has(day.day);
    const dowOk = dow.has(weekday);
    const dayOk = domRestricted && dowRestricted ? domOk || dowOk : domOk && dowOk;
    if (!dayOk) continue;
    for (const hour of hours) {
      if (back === 0 && hour > local.hour) continue;
      for (const minute of minutes) {
        if (back === 0 && hour === local.hour && minute > local.minute) continue;
        const dueAt = zonedEpoch({ ...day, hour, minute }, timeZone);
        if (dueAt > now) continue; // a wall time skipped by a DST change
        return { key: isoMinute({ ...day, hour, minute, weekday }), dueAt };
      }
    }
  }
  return undefined;
}
