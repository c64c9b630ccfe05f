import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { bookingRef, bookingsBetween, cancelBooking, findBooking, markAttendance, upcomingBookingsOf } from '../../../domain/bookings';
import { localMidnight } from '../../../domain/help-time';
import { canStaff } from '../../../domain/roles';
import type { bookFlow } from '../../../../flows/bookings/book';
import { attendanceButton, cancelBookingButton } from '../buttons';
import { dayList, myBookings, type DayRow } from '../views/bookings';

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

/** Today's bookings (local day in TIMEZONE) with the first name of whoever booked. */
async function todayRows(env: BookingsEnv, communityId: string): Promise<DayRow[]> {
  const { deps } = env;
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const rows = await bookingsBetween(deps.db, communityId, localMidnight(now, tz), localMidnight(now, tz, 1));
  const out: DayRow[] = [];
  for (const b of rows) out.push({ ...b, name: b.user_id ? ((await deps.users.find(b.user_id))?.first_name ?? '') : '—' });
  return out;
}

/** /bookings (staff): today's bookings in the service hall, with Came / No-show. */
export async function showDay(env: BookingsEnv, ctx: BotContext) {
  const { text, keyboard } = dayList(env.deps, await todayRows(env, ctx.profile?.community_id ?? ''), ctx.t, ctx.locale);
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
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
      const { text, keyboard } = dayList(env.deps, await todayRows(env, b.community_id), ctx.t, ctx.locale);
      return ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }).catch(() => undefined);
    },
  });
}
