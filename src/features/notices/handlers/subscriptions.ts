import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { CoreDeps } from '../../../deps';
import { setSubscription, subscriptionsOf } from '../../../domain/notices';
import { subscribeButton } from '../buttons';
import { subscriptionKeyboard } from '../views/notices';
import { stale } from './common';

/** /subscribe: the topics, each with its switch. */
export const showSubscriptions = (deps: CoreDeps) => async (ctx: BotContext) => {
  const subs = await subscriptionsOf(deps.db, ctx.from!.id);
  await ctx.reply(ctx.t('notices.subscribe_intro'), { reply_markup: { inline_keyboard: subscriptionKeyboard(ctx.t, subs) } });
};

/** A topic's switch: flips it and redraws the switches. */
export function onSubscriptionSwitch(composer: Composer<BotContext>, deps: CoreDeps): void {
  onButton(composer, {
    codec: subscribeButton,
    refuse: (ctx) => (ctx.chat?.type !== 'private' || !ctx.profile?.privacy_accepted_at ? stale(ctx) : undefined),
    run: async (ctx, _, { topic }) => {
      const on = !(await subscriptionsOf(deps.db, ctx.from.id))[topic];
      await setSubscription(deps.db, deps.clock.now(), ctx.from.id, topic, on);
      await ctx.answerCbQuery(ctx.t(on ? 'notices.subscribed' : 'notices.unsubscribed', { topic: ctx.t(`notices.topic_${topic}`) }));
      const subs = await subscriptionsOf(deps.db, ctx.from.id);
      await ctx.editMessageReplyMarkup({ inline_keyboard: subscriptionKeyboard(ctx.t, subs) }).catch(() => undefined);
    },
  });
}
