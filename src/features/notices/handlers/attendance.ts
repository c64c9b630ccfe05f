import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { findEvent, myRsvp, rateEvent, setAttended } from '../../../domain/events';
import { attendanceButton, ratingButton } from '../buttons';
import { attendanceOf } from '../services/events';
import { ratingDone } from '../views/events';
import { editCard, isStaffOf, stale } from './common';

/** After an event has started: staff tick who came, and those who came rate it. */

export function onAttendanceTick(composer: Composer<BotContext>, deps: CoreDeps): void {
  onButton(composer, {
    codec: attendanceButton,
    load: async (p) => {
      const event = await findEvent(deps.db, p.event);
      return event && { event, rsvp: await myRsvp(deps.db, p.event, p.user) };
    },
    may: (ctx, { event }) => isStaffOf(ctx, event.community_id),
    refuse: (ctx, { event, rsvp }) => {
      if (deps.clock.now() < event.starts_at) return { text: ctx.t('notices.not_started'), alert: false };
      return rsvp?.status === 'going' ? undefined : stale(ctx);
    },
    run: async (ctx, { event, rsvp }, p) => {
      const now = deps.clock.now();
      await setAttended(deps.db, now, event.id, p.user, rsvp!.attended !== 1);
      await ctx.answerCbQuery();
      await editCard(ctx, await attendanceOf(deps, ctx.t, ctx.locale, event, now));
    },
  });
}

const isScore = (n: number) => Number.isInteger(n) && n >= 1 && n <= 5;

export function onRating(composer: Composer<BotContext>, deps: CoreDeps): void {
  onButton(composer, {
    codec: ratingButton,
    refuse: (ctx, _, p) => (isScore(p.score) ? undefined : stale(ctx)),
    run: async (ctx, _, p) => {
      // Only someone marked as having come may rate, once: rateEvent's guarded UPDATE decides.
      const ok = await rateEvent(deps.db, deps.clock.now(), p.event, ctx.from.id, p.score);
      if (!ok) return ctx.answerCbQuery(ctx.t('notices.rating_not_taken'));
      await ctx.answerCbQuery(ctx.t('notices.rating_thanks'));
      const event = await findEvent(deps.db, p.event);
      await ctx.editMessageText(ratingDone(ctx.t, event?.title ?? '', p.score), { parse_mode: 'HTML' }).catch(() => undefined);
    },
  });
}
