import { callbackCodec } from '../../bot/callback';
import { DAY } from '../../clock';
import { weekFrom, weekOf, type Week } from '../../domain/summary';

/** The buttons of /summary: a community, "earlier weeks", and one week of one community. */

export const communityButton = callbackCodec('sumc', { c: 'str' });
export const earlierButton = callbackCodec('sume', { c: 'str' });
export const weekButton = callbackCodec('sumw', { c: 'str', w: 'str' });

/** "20310303" <-> the week of that Monday: short enough for a button, never trusted blindly. */
export const packWeek = (w: Week) => w.key.replace(/-/g, '');

export function unpackWeek(value: string, timeZone: string, now: number): Week | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const week = weekFrom({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, timeZone);
  const sane = week.key === `${m[1]}-${m[2]}-${m[3]}` && weekOf(week.start, timeZone).key === week.key;
  return sane && week.start <= now && week.start > now - 3 * 365 * DAY ? week : undefined;
}
