import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { bookingRef, bookingsBetween, cancelBooking, findBooking, markAttendance, upcomingBookingsOf } from '../../../domain/bookings';
import { DAY } from '../../../clock';
import { canStaff } from '../../../domain/roles';
import type { bookFlow } from '../../../../flows/bookings/book';
import { addDays, wallClock, zonedEpoch } from '../../../zoned-time';
import { attendanceButton, bookingsDayButton, cancelBookingButton } from '../buttons';
import { dayList, myBookings, type DayPage, type DayRow } from '../views/bookings';

export interface BookingsEnv {
  deps: CoreDeps;
  bot: BotServices;
  book: ReturnType<typeof bookFlow>;
}

/** /book: the resident's bookings still to come (each with Cancel), then a new booking. */
export async function startBooking(env: BookingsEnv, ctx: BotContext) {
  const mine = await upcomingBookingsOf(env.deps.db, ctx.from!.id, env.deps.clock.now());
  if (mine.length > 0) {
    const { text, keyboard } = myBookings(env.deps, mine, ctx.t, ctx.locale);
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
  }
  return env.bot.flows.start(ctx, env.book);
}

/** How many days back and ahead of today /bookings pages; a forged date past them is stale. */
const LOOK_DAYS = 31;

type Day = { year: number; month: number; day: number };
const dayKey = (d: Day) => d.year * 10000 + d.month * 100 + d.day;
const daysFrom = (a: Day, b: Day) => Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY);

/** A button's yyyymmdd as a day within LOOK_DAYS of today; undefined for a date that is not one, or too far. */
function dayOfKey(env: BookingsEnv, key: number): Day | undefined {
  const d = { year: Math.floor(key / 10000), month: Math.floor(key / 100) % 100, day: key % 100 };
  const real = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (real.getUTCFullYear() !== d.year || real.getUTCMonth() !== d.month - 1 || real.getUTCDate() !== d.day) return undefined;
  return Math.abs(daysFrom(wallClock(env.deps.clock.now(), env.deps.config.timezone), d)) <= LOOK_DAYS ? d : undefined;
}

/** One local day's bookings (in TIMEZONE) with the first name of whoever booked, and the days around it. */
async function dayPage(env: BookingsEnv, communityId: string, day: Day): Promise<DayPage> {
  const { deps } = env;
  const tz = deps.config.timezone;
  const today = wallClock(deps.clock.now(), tz);
  const offset = daysFrom(today, day);
  const start = zonedEpoch(day, tz);
  const rows: DayRow[] = [];
  for (const b of await bookingsBetween(deps.db, communityId, start, zonedEpoch(addDays(day, 1), tz)))
    rows.push({ ...b, name: b.user_id ? ((await deps.users.find(b.user_id))?.first_name ?? '') : '—' });
  const near = (n: number) =>
    Math.abs(offset + n) <= LOOK_DAYS ? { key: dayKey(addDays(day, n)), start: zonedEpoch(addDays(day, n), tz) } : undefined;
  return { rows, start, prev: near(-1), next: near(1), today: offset === 0 ? undefined : dayKey(today), markable: offset <= 0 };
}

/** /bookings (staff): today's bookings in the service hall, with Came / No-show and the days before and after. */
export async function showDay(env: BookingsEnv, ctx: BotContext) {
  const today = wallClock(env.deps.clock.now(), env.deps.config.timezone);
  const page = await dayPage(env, ctx.profile?.community_id ?? '', today);
  const { text, keyboard } = dayList(env.deps, page, ctx.t, ctx.locale);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
}

/** Another day pressed: the same message shows it. */
export function onBookingsDay(composer: Composer<BotContext>, env: BookingsEnv): void {
  onButton(composer, {
    codec: bookingsDayButton,
    minRole: 'staff',
    load: (p) => dayOfKey(env, p.date),
    run: async (ctx, day) => {
      const { text, keyboard } = dayList(env.deps, await dayPage(env, ctx.profile?.community_id ?? '', day), ctx.t, ctx.locale);
      await ctx.answerCbQuery();
      return ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
    },
  });
}

export function onCancelBooking(composer: Composer<BotContext>, env: BookingsEnv): void {
  onButton(composer, {
    codec: cancelBookingButton,
    load: async (p, ctx) => {
      const b = await findBooking(env.deps.db, p.id);
      return b && b.user_id === ctx.from.id ? b : undefined;
    },
    refuse: (ctx, b) =>
      b.status === 'booked' && b.starts_at > env.deps.clock.now() ? undefined : { text: ctx.t('bookings.cannot_cancel') },
    run: async (ctx, b) => {
      if (!(await cancelBooking(env.deps.db, env.deps.clock.now(), b.id, ctx.from.id)))
        return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery();
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      return ctx.reply(ctx.t('bookings.cancelled', { ref: bookingRef(b.id) }));
    },
  });
}

export function onAttendance(composer: Composer<BotContext>, env: BookingsEnv): void {
  onButton(composer, {
    codec: attendanceButton,
    minRole: 'staff',
    load: (p) => findBooking(env.deps.db, p.id),
    may: (ctx, b) => canStaff(ctx.role, ctx.profile, b.community_id),
    refuse: (ctx, b) => (b.status === 'booked' ? undefined : { text: ctx.t('common.already_done'), alert: false }),
    run: async (ctx, b, p) => {
      if (!(await markAttendance(env.deps.db, env.deps.clock.now(), b.id, p.came === 'y', ctx.from.id)))
        return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery(ctx.t(p.came === 'y' ? 'bookings.marked_came' : 'bookings.marked_no_show'));
      const day = wallClock(b.starts_at, env.deps.config.timezone);
      const { text, keyboard } = dayList(env.deps, await dayPage(env, b.community_id, day), ctx.t, ctx.locale);
      return ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
    },
  });
}
