import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import type { eventCommentFlow } from '../../../../flows/notices/rate-comment';
import type { BotServices } from '../../../bot/services';
import { findEvent, myRsvp, setAttended } from '../../../domain/events';
import { attendanceButton, ratingButton } from '../buttons';
import { attendanceOf } from '../services/events';
import { rateAttendedEvent } from '../services/feedback';
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

/** The stars (a low score reaches staff at once), then the optional comment step. */
export function onRating(
  composer: Composer<BotContext>,
  deps: CoreDeps,
  bot: BotServices,
  commentFlow: ReturnType<typeof eventCommentFlow>,
): void {
  onButton(composer, {
    codec: ratingButton,
    refuse: (ctx, _, p) => (isScore(p.score) ? undefined : stale(ctx)),
    run: async (ctx, _, p) => {
      // Only someone marked as having come may rate, once: rateEvent's guarded UPDATE decides.
      const ok = await rateAttendedEvent(deps, p.event, ctx.from.id, p.score);
      if (!ok) return ctx.answerCbQuery(ctx.t('notices.rating_not_taken'));
      await ctx.answerCbQuery(ctx.t('notices.rating_thanks'));
      // The question keeps its text and loses its stars; the comment step says what was rated.
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      return bot.flows.start(ctx, commentFlow, { eventId: p.event, score: p.score });
    },
  });
}
