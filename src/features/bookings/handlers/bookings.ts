import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import {
  bookingRef,
  bookingsBetween,
  cancelBooking,
  dayBounds,
  dayKey,
  dayOfKey,
  findBooking,
  LOOK_DAYS,
  markableYet,
  markAttendance,
  upcomingBookingsOf,
} from '../../../domain/bookings';
import { canStaff } from '../../../domain/roles';
import type { bookFlow } from '../../../../flows/bookings/book';
import { addDays, daysBetween, localDay, zonedEpoch, type LocalDay } from '../../../zoned-time';
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

/** One local day's bookings (in TIMEZONE, from its midnight) with the first name of whoever booked, and the days around it. */
async function dayPage(env: BookingsEnv, communityId: string, day: LocalDay): Promise<DayPage> {
  const { deps } = env;
  const tz = deps.config.timezone;
  const today = localDay(deps.clock.now(), tz);
  const offset = daysBetween(today, day);
  const { start, end } = dayBounds(day, tz);
  const rows: DayRow[] = [];
  for (const b of await bookingsBetween(deps.db, communityId, start, end))
    rows.push({ ...b, name: b.user_id ? ((await deps.users.find(b.user_id))?.first_name ?? '') : '—' });
  const near = (n: number) =>
    Math.abs(offset + n) <= LOOK_DAYS ? { key: dayKey(addDays(day, n)), start: zonedEpoch(addDays(day, n), tz) } : undefined;
  return { rows, start, prev: near(-1), next: near(1), today: offset === 0 ? undefined : dayKey(today), markable: offset <= 0 };
}

/** /bookings (staff): today's bookings in the service hall, with Came / No-show and the days before and after. */
export async function showDay(env: BookingsEnv, ctx: BotContext) {
  const today = localDay(env.deps.clock.now(), env.deps.config.timezone);
  const page = await dayPage(env, ctx.profile?.community_id ?? '', today);
  const { text, keyboard } = dayList(env.deps, page, ctx.t, ctx.locale);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
}

/** Another day pressed: the same message shows it. */
export function onBookingsDay(composer: Composer<BotContext>, env: BookingsEnv): void {
  onButton(composer, {
    codec: bookingsDayButton,
    minRole: 'staff',
    load: (p) => dayOfKey(p.date, env.deps.clock.now(), env.deps.config.timezone),
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
    refuse: (ctx, b) => {
      if (b.status !== 'booked') return { text: ctx.t('common.already_done'), alert: false };
      // The keyboard offers Came / No-show up to today only; a forged or replayed press for a later
      // day would mark it a no-show, after which the resident can no longer cancel and is not reminded.
      if (!markableYet(b.starts_at, env.deps.clock.now(), env.deps.config.timezone))
        return { text: ctx.t('common.stale_button'), alert: false };
      return undefined;
    },
    run: async (ctx, b, p) => {
      if (!(await markAttendance(env.deps.db, env.deps.clock.now(), b.id, p.came === 'y', ctx.from.id)))
        return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery(ctx.t(p.came === 'y' ? 'bookings.marked_came' : 'bookings.marked_no_show'));
      // Redrawn from the booking's day, not its start: the bookings before it stay on the list.
      const day = localDay(b.starts_at, env.deps.config.timezone);
      const { text, keyboard } = dayList(env.deps, await dayPage(env, b.community_id, day), ctx.t, ctx.locale);
      return ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
    },
  });
}
