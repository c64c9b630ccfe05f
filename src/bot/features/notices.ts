import { Composer } from 'telegraf';
import { announceFlow } from '../../../flows/announce';
import { attendanceButton, eventButton, eventFlow, ratingButton, renderEvent, rsvpKeyboard } from '../../../flows/event';
import { DAY } from '../../clock';
import { broadcastButton, progressWatcher, stopBroadcast } from '../../delivery/broadcasts';
import { enqueue, forgetRecipient, PRIORITY, type InlineKeyboard } from '../../delivery/outbox';
import {
  askForRatings,
  attendees,
  eraseRsvps,
  eventsOf,
  findEvent,
  formatLocalTime,
  goingTo,
  myRsvp,
  notGoingTo,
  rateEvent,
  rsvpOpen,
  sendDueReminders,
  setAttended,
  waitingPosition,
  type EventRow,
} from '../../domain/events';
import { isTopic, setSubscription, subscriptionsOf, TOPICS } from '../../domain/notices';
import { canStaff } from '../../domain/roles';
import { escapeHtml, isLocale, type Locale, type Translate } from '../../i18n';
import type { Tx } from '../../store/db';
import { callbackCodec, idField } from '../callback';
import type { BotContext } from '../context';
import type { Feature } from '../feature';
import { grid } from '../keyboards';

/** Notices (/announce, /subscribe) and events (/event, /events, RSVPs, attendance, ratings). */

const subscribeButton = callbackCodec('sub', { topic: 'str' });
/** Telegram shows at most 100 buttons; attendance lists keep to this many people. */
const MAX_ATTENDANCE_BUTTONS = 90;

export const noticesFeature: Feature = (deps, bot) => {
  const { db, i18n, clock, config } = deps;
  const tz = config.timezone;
  const composer = new Composer<BotContext>();
  deps.sender.watch(progressWatcher(db, i18n, deps.sender.api, () => deps.sender.messagesPerSecond));

  const data = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
  const stale = (ctx: BotContext) => ctx.answerCbQuery(ctx.t('common.stale_button'));
  /** A person's language, for messages that go through the outbox. */
  const localeOf = async (tx: Tx, userId: number): Promise<Locale> => {
    const u = await tx.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst();
    return isLocale(u?.locale) ? u.locale : config.defaultLocale;
  };
  const isStaffOf = (ctx: BotContext, communityId: string) => canStaff(ctx.role, ctx.profile, communityId);

  // ---- /subscribe ------------------------------------------------------------------------

  const subscriptionKeyboard = async (ctx: BotContext): Promise<InlineKeyboard> => {
    const subs = await subscriptionsOf(db, ctx.from!.id);
    return TOPICS.map((topic) => [
      { text: `${subs[topic] ? '✅' : '⬜'} ${ctx.t(`notices.topic_${topic}`)}`, callback_data: subscribeButton.pack({ topic }) },
    ]);
  };

  const subscribe = async (ctx: BotContext) => {
    await ctx.reply(ctx.t('notices.subscribe_intro'), { reply_markup: { inline_keyboard: await subscriptionKeyboard(ctx) } });
  };

  composer.action(subscribeButton.pattern, async (ctx) => {
    const p = subscribeButton.unpack(data(ctx));
    if (!p || !isTopic(p.topic) || ctx.chat?.type !== 'private' || !ctx.profile?.privacy_accepted_at) return stale(ctx);
    const subs = await subscriptionsOf(db, ctx.from.id);
    const on = !subs[p.topic];
    await setSubscription(db, clock.now(), ctx.from.id, p.topic, on);
    await ctx.answerCbQuery(ctx.t(on ? 'notices.subscribed' : 'notices.unsubscribed', { topic: ctx.t(`notices.topic_${p.topic}`) }));
    await ctx.editMessageReplyMarkup({ inline_keyboard: await subscriptionKeyboard(ctx) }).catch(() => undefined);
  });

  // ---- broadcasts: Stop -------------------------------------------------------------------

  composer.action(broadcastButton.pattern, async (ctx) => {
    const p = broadcastButton.unpack(data(ctx));
    const id = idField(p?.id);
    if (!p || p.action !== 'stop' || !id) return stale(ctx);
    const b = await db.selectFrom('broadcasts').select(['community_id', 'created_by']).where('id', '=', id).executeTakeFirst();
    if (!b) return stale(ctx);
    if (!isStaffOf(ctx, b.community_id)) return ctx.answerCbQuery(ctx.t('common.not_allowed'));
    const result = await stopBroadcast(db, clock.now(), id);
    await ctx.answerCbQuery(ctx.t(result === 'stopped' ? 'notices.stopping' : 'notices.already_finished'));
    deps.sender.poke();
  });

  // ---- events: RSVP ----------------------------------------------------------------------

  const eventLine = async (t: Translate, e: EventRow) => {
    const waiting = await db
      .selectFrom('rsvps')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', e.id)
      .where('status', '=', 'waiting')
      .executeTakeFirstOrThrow();
    return t('notices.event_counts', { going: e.going, capacity: e.capacity ?? '∞', waiting: Number(waiting.n) });
  };

  const promotionNotice = async (tx: Tx, userId: number, e: EventRow) => {
    const locale = await localeOf(tx, userId);
    const t = i18n.translator(locale);
    await enqueue(tx, clock.now(), {
      chatId: userId,
      text: t('notices.promoted', {
        title: escapeHtml(e.title),
        time: formatLocalTime(e.starts_at, locale, tz),
        place: escapeHtml(e.place),
      }),
      keyboard: [[{ text: t('notices.not_going_button'), callback_data: eventButton.pack({ action: 'no', id: e.id }) }]],
      priority: PRIORITY.personal,
    });
  };

  const rsvp = async (ctx: BotContext, eventId: number, going: boolean) => {
    if (!ctx.profile?.privacy_accepted_at) return ctx.answerCbQuery(ctx.t('common.start_first'));
    const event = await findEvent(db, eventId);
    // Invitations reach only their community; a forged press for another one changes nothing.
    if (!event || event.community_id !== ctx.profile.community_id) return stale(ctx);
    const now = clock.now();
    if (going) {
      const r = await goingTo(db, now, eventId, ctx.from!.id);
      if (r.outcome === 'unknown') return stale(ctx);
      const params = { title: event.title.slice(0, 60), position: 'position' in r ? r.position : 0 };
      return ctx.answerCbQuery(ctx.t(`notices.rsvp_${r.outcome}`, params), { show_alert: r.outcome === 'waiting' });
    }
    const r = await notGoingTo(db, now, eventId, ctx.from!.id, promotionNotice);
    if (r.outcome === 'unknown') return stale(ctx);
    if (r.promoted.length > 0) deps.sender.poke();
    return ctx.answerCbQuery(ctx.t(`notices.rsvp_${r.outcome}`, { title: event.title.slice(0, 60) }));
  };

  // ---- events: the list, attendance, ratings ------------------------------------------------

  const attendanceView = async (
    t: Translate,
    locale: Locale,
    e: EventRow,
    now: number,
  ): Promise<{ text: string; keyboard: InlineKeyboard }> => {
    const people = await attendees(db, e.id);
    const going = people.filter((p) => p.status === 'going');
    const waiting = people.filter((p) => p.status === 'waiting');
    const name = (p: (typeof people)[number]) => escapeHtml(p.first_name) + (p.unit ? ` (${escapeHtml(p.unit)})` : '');
    const started = now >= e.starts_at;
    const lines = [
      t('notices.list_title', { title: escapeHtml(e.title), time: formatLocalTime(e.starts_at, locale, tz) }),
      '',
      t('notices.list_going', { count: going.length, capacity: e.capacity ?? '∞' }),
      ...going.map((p, i) => `${i + 1}. ${name(p)}${started ? (p.attended === 1 ? ' ✅' : p.attended === 0 ? ' ❌' : '') : ''}`),
    ];
    if (waiting.length > 0)
      lines.push('', t('notices.list_waiting', { count: waiting.length }), ...waiting.map((p, i) => `${i + 1}. ${name(p)}`));
    const keyboard: InlineKeyboard = [];
    if (started) {
      lines.push('', t('notices.attendance_hint'));
      const buttons = going.slice(0, MAX_ATTENDANCE_BUTTONS).map((p) => ({
        text: `${p.attended === 1 ? '✅' : '⬜'} ${p.first_name}`.slice(0, 40),
        callback_data: attendanceButton.pack({ event: e.id, user: p.user_id }),
      }));
      keyboard.push(...grid(buttons, 2));
      if (e.rating_asked_at === null)
        keyboard.push([{ text: t('notices.ask_ratings_button'), callback_data: eventButton.pack({ action: 'rate', id: e.id }) }]);
    }
    return { text: lines.join('\n'), keyboard };
  };

  const showList = async (ctx: BotContext, e: EventRow) => {
    const view = await attendanceView(ctx.t, ctx.locale, e, clock.now());
    await ctx.reply(view.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: view.keyboard } });
  };

  composer.action(eventButton.pattern, async (ctx) => {
    const p = eventButton.unpack(data(ctx));
    const id = idField(p?.id);
    if (!p || !id) return stale(ctx);
    if (p.action === 'go' || p.action === 'no') return rsvp(ctx, id, p.action === 'go');
    const event = await findEvent(db, id);
    if (!event) return stale(ctx);
    if (!isStaffOf(ctx, event.community_id)) return ctx.answerCbQuery(ctx.t('common.not_allowed'));
    if (p.action === 'list') {
      await ctx.answerCbQuery();
      return showList(ctx, event);
    }
    if (p.action === 'rate') {
      if (clock.now() < event.starts_at) return ctx.answerCbQuery(ctx.t('notices.not_started'));
      const asked = await askForRatings(db, clock.now(), id, async (tx, userId, e) => {
        const locale = await localeOf(tx, userId);
        const t = i18n.translator(locale);
        const scores = [1, 2, 3, 4, 5].map((n) => ({ text: '⭐'.repeat(n), callback_data: ratingButton.pack({ event: e.id, score: n }) }));
        await enqueue(tx, clock.now(), {
          chatId: userId,
          text: t('notices.rate_question', { title: escapeHtml(e.title) }),
          keyboard: [scores.slice(0, 3), scores.slice(3)],
          priority: PRIORITY.personal,
        });
      });
      deps.sender.poke();
      await ctx.answerCbQuery(
        asked === 'already' ? ctx.t('notices.ratings_already_asked') : ctx.t('notices.ratings_asked', { count: asked }),
      );
      const view = await attendanceView(ctx.t, ctx.locale, (await findEvent(db, id))!, clock.now());
      return ctx
        .editMessageText(view.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: view.keyboard } })
        .catch(() => undefined);
    }
    return stale(ctx);
  });

  composer.action(attendanceButton.pattern, async (ctx) => {
    const p = attendanceButton.unpack(data(ctx));
    const eventId = idField(p?.event);
    const userId = idField(p?.user);
    if (!eventId || !userId) return stale(ctx);
    const event = await findEvent(db, eventId);
    if (!event) return stale(ctx);
    if (!isStaffOf(ctx, event.community_id)) return ctx.answerCbQuery(ctx.t('common.not_allowed'));
    const now = clock.now();
    if (now < event.starts_at) return ctx.answerCbQuery(ctx.t('notices.not_started'));
    const current = await myRsvp(db, eventId, userId);
    if (!current || current.status !== 'going') return stale(ctx);
    await setAttended(db, now, eventId, userId, current.attended !== 1);
    await ctx.answerCbQuery();
    const view = await attendanceView(ctx.t, ctx.locale, event, now);
    await ctx.editMessageText(view.text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: view.keyboard } }).catch(() => undefined);
  });

  composer.action(ratingButton.pattern, async (ctx) => {
    const p = ratingButton.unpack(data(ctx));
    const eventId = idField(p?.event);
    const score = Number(p?.score);
    if (!eventId || !Number.isInteger(score) || score < 1 || score > 5) return stale(ctx);
    const ok = await rateEvent(db, clock.now(), eventId, ctx.from.id, score);
    if (!ok) return ctx.answerCbQuery(ctx.t('notices.rating_not_taken'));
    await ctx.answerCbQuery(ctx.t('notices.rating_thanks'));
    const event = await findEvent(db, eventId);
    await ctx
      .editMessageText(ctx.t('notices.rating_done', { title: escapeHtml(event?.title ?? ''), stars: '⭐'.repeat(score) }), {
        parse_mode: 'HTML',
      })
      .catch(() => undefined);
  });

  /** /events: upcoming events with the person's own answer; staff also get each event's list. */
  const events = async (ctx: BotContext) => {
    const community = ctx.profile?.community_id;
    const now = clock.now();
    const staff = community ? isStaffOf(ctx, community) : false;
    const list = community ? await eventsOf(db, community, staff ? now - 7 * DAY : now) : [];
    if (list.length === 0) return ctx.reply(ctx.t('notices.no_events'), { reply_markup: bot.mainMenu(ctx) });
    for (const e of list) {
      const mine = await myRsvp(db, e.id, ctx.from!.id);
      const answer =
        mine?.status === 'going'
          ? ctx.t('notices.you_are_going')
          : mine?.status === 'waiting'
            ? ctx.t('notices.you_are_waiting', { position: await waitingPosition(db, e.id, ctx.from!.id) })
            : '';
      const text = [renderEvent(ctx.t, ctx.locale, tz, e), '', await eventLine(ctx.t, e), answer].filter(Boolean).join('\n');
      const keyboard: InlineKeyboard = rsvpOpen(e, now) ? rsvpKeyboard(ctx.t, e.id) : [];
      if (staff) keyboard.push([{ text: ctx.t('notices.list_button'), callback_data: eventButton.pack({ action: 'list', id: e.id }) }]);
      await ctx.reply(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } });
    }
  };

  // ---- reminders ------------------------------------------------------------------------

  const reminders = async (now: number) => {
    const count = await sendDueReminders(db, now, async (tx, kind, userIds, e) => {
      for (const userId of userIds) {
        const locale = await localeOf(tx, userId);
        const t = i18n.translator(locale);
        await enqueue(tx, now, {
          chatId: userId,
          text: t(`notices.reminder_${kind}`, {
            title: escapeHtml(e.title),
            time: formatLocalTime(e.starts_at, locale, tz),
            place: escapeHtml(e.place),
          }),
          keyboard: [[{ text: t('notices.not_going_button'), callback_data: eventButton.pack({ action: 'no', id: e.id }) }]],
          priority: PRIORITY.personal,
          ref: `event:${e.id}:reminder:${kind}`,
        });
      }
    });
    if (count > 0) deps.sender.poke();
  };

  return {
    name: 'notices',
    composer,
    flows: [announceFlow(deps), eventFlow(deps)],
    commands: [
      {
        name: 'announce',
        minRole: 'staff',
        chat: 'private',
        description: 'notices.cmd_announce',
        run: (ctx) => bot.flows.start(ctx, 'ann'),
      },
      { name: 'event', minRole: 'staff', chat: 'private', description: 'notices.cmd_event', run: (ctx) => bot.flows.start(ctx, 'evt') },
      {
        name: 'events',
        minRole: 'resident',
        chat: 'private',
        description: 'notices.cmd_events',
        menuLabel: 'notices.menu_events',
        run: events,
      },
      {
        name: 'subscribe',
        minRole: 'resident',
        chat: 'private',
        description: 'notices.cmd_subscribe',
        menuLabel: 'notices.menu_subscribe',
        run: subscribe,
      },
    ],
    jobs: [{ name: 'notices.event_reminders', cron: '*/10 * * * *', run: reminders }],
    privacy: {
      async exportData(userId, t) {
        const subs = await subscriptionsOf(db, userId);
        const rsvps = await db
          .selectFrom('rsvps')
          .innerJoin('events', 'events.id', 'rsvps.event_id')
          .select(['events.title', 'rsvps.status', 'rsvps.rating'])
          .where('rsvps.user_id', '=', userId)
          .orderBy('events.starts_at', 'desc')
          .limit(50)
          .execute();
        return [
          t('notices.mydata_topics', {
            topics:
              TOPICS.filter((x) => subs[x])
                .map((x) => t(`notices.topic_${x}`))
                .join(', ') || '—',
          }),
          ...rsvps.map((r) =>
            t('notices.mydata_rsvp', { title: escapeHtml(r.title), status: t(`notices.status_${r.status}`), rating: r.rating ?? '—' }),
          ),
        ];
      },
      async erase(userId, tx) {
        await tx.deleteFrom('subscriptions').where('user_id', '=', userId).execute();
        await eraseRsvps(tx, userId);
        await forgetRecipient(tx, userId);
      },
    },
  };
};
