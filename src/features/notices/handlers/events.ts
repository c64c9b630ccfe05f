import type { Composer } from 'telegraf';
import { onButton, type PressContext, type Refusal } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import { findEvent, type EventRow } from '../../../domain/events';
import { eventButton, type EVENT_ACTIONS } from '../buttons';
import { askAttendeesToRate, attendanceOf, eventCards, going, notGoing } from '../services/events';
import { editCard, isStaffOf, replyCard, stale } from './common';

/** /events and the buttons of an invitation: Going / Can't go for residents, the list and ratings for staff. */

type EventAction = (typeof EVENT_ACTIONS)[number];
type EventPress = (ctx: PressContext, e: EventRow) => Promise<unknown>;

/** /events: upcoming events with the person's own answer; staff also get each event's list. */
export const showEvents = (deps: CoreDeps, bot: BotServices) => async (ctx: BotContext) => {
  const community = ctx.profile?.community_id;
  const staff = community ? isStaffOf(ctx, community) : false;
  const cards = community ? await eventCards(deps, ctx.t, ctx.locale, { userId: ctx.from!.id, communityId: community, staff }) : [];
  if (cards.length === 0) return ctx.reply(ctx.t('notices.no_events'), { reply_markup: bot.mainMenu(ctx) });
  for (const card of cards) await replyCard(ctx, card);
};

const isRsvp = (action: EventAction) => action === 'go' || action === 'no';

/** Invitations reach only their community; a forged press for another one changes nothing. */
function rsvpRefusal(ctx: PressContext, e: EventRow): Refusal | undefined {
  if (!ctx.profile?.privacy_accepted_at) return { text: ctx.t('common.start_first'), alert: false };
  return e.community_id === ctx.profile.community_id ? undefined : stale(ctx);
}

export function onEventButton(composer: Composer<BotContext>, deps: CoreDeps): void {
  const presses: Record<EventAction, EventPress> = {
    go: async (ctx, e) => {
      const r = await going(deps, e.id, ctx.from.id);
      if (r.outcome === 'unknown') return ctx.answerCbQuery(ctx.t('common.stale_button'));
      const params = { title: e.title.slice(0, 60), position: 'position' in r ? r.position : 0 };
      return ctx.answerCbQuery(ctx.t(`notices.rsvp_${r.outcome}`, params), { show_alert: r.outcome === 'waiting' });
    },
    no: async (ctx, e) => {
      const r = await notGoing(deps, e.id, ctx.from.id);
      if (r.outcome === 'unknown') return ctx.answerCbQuery(ctx.t('common.stale_button'));
      return ctx.answerCbQuery(ctx.t(`notices.rsvp_${r.outcome}`, { title: e.title.slice(0, 60) }));
    },
    list: async (ctx, e) => {
      await ctx.answerCbQuery();
      return replyCard(ctx, await attendanceOf(deps, ctx.t, ctx.locale, e));
    },
    rate: async (ctx, e) => {
      const asked = await askAttendeesToRate(deps, e.id);
      await ctx.answerCbQuery(
        asked === 'already' ? ctx.t('notices.ratings_already_asked') : ctx.t('notices.ratings_asked', { count: asked }),
      );
      return editCard(ctx, await attendanceOf(deps, ctx.t, ctx.locale, (await findEvent(deps.db, e.id))!));
    },
  };
  onButton(composer, {
    codec: eventButton,
    load: (p) => findEvent(deps.db, p.id),
    // Residents answer invitations; the list and ratings are for staff of the event's community.
    may: (ctx, e, p) => isRsvp(p.action) || isStaffOf(ctx, e.community_id),
    refuse: (ctx, e, p) => {
      if (isRsvp(p.action)) return rsvpRefusal(ctx, e);
      if (p.action === 'rate' && deps.clock.now() < e.starts_at) return { text: ctx.t('notices.not_started'), alert: false };
      return undefined;
    },
    run: (ctx, e, p) => presses[p.action](ctx, e),
  });
}
