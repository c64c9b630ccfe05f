import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { findQuestion, threadOf } from '../../../domain/ask';
import { canStaff } from '../../../domain/roles';
import { MINUTE } from '../../../clock';
import { enqueue, PRIORITY, queuedSince } from '../../../delivery/outbox';
import { answerButton, toFaqButton } from '../buttons';
import { answerKeyboard, questionCard } from '../views/ask';
import type { AskEnv } from './env';

/** What staff press on a question: Answer (on its card, or privately), and "Add to FAQ" after answering. */

const staffOnQuestion = (env: AskEnv) => ({
  minRole: 'staff' as const,
  load: (p: { id: number }) => findQuestion(env.deps.db, p.id),
  may: (ctx: BotContext, q: { community_id: string }) => canStaff(ctx.role, ctx.profile, q.community_id),
});

/**
 * Answer: in the private chat the answer step opens; pressed in the group, the card comes to the
 * private chat to answer there. Staff of the community may, and the grid worker the question went to.
 */
export function onAnswer(composer: Composer<BotContext>, env: AskEnv): void {
  onButton(composer, {
    codec: answerButton,
    load: (p) => findQuestion(env.deps.db, p.id),
    may: (ctx, q) => canStaff(ctx.role, ctx.profile, q.community_id) || q.responder_id === ctx.from.id,
    refuse: (ctx, q) => (q.status === 'open' ? undefined : { text: ctx.t('ask.already_answered') }),
    run: async (ctx, q) => {
      if (ctx.chat?.type === 'private') {
        await ctx.answerCbQuery();
        return env.bot.flows.start(ctx, env.flows.answer, { questionId: q.id });
      }
      const { deps } = env;
      const now = deps.clock.now();
      const ref = `question:${q.id}:private:${ctx.from.id}:${q.rounds}`;
      // A double tap: the private card is there, or on its way.
      if (!(await queuedSince(deps.db, ref, now - 5 * MINUTE))) {
        const t = deps.i18n.translator(ctx.locale);
        const text = questionCard(deps, q, await threadOf(deps.db, q.id), deps.communities.settings.askSlaHours, t, ctx.locale);
        await enqueue(deps.db, now, { chatId: ctx.from.id, text, keyboard: answerKeyboard(q.id, t), priority: PRIORITY.personal, ref });
        deps.sender.poke();
      }
      return ctx.answerCbQuery(ctx.t('ask.continue_private'), { show_alert: true });
    },
  });
}

/** Add to FAQ: the entry starts from the question and the latest answer, in the asker's language. */
export function onToFaq(composer: Composer<BotContext>, env: AskEnv): void {
  onButton(composer, {
    codec: toFaqButton,
    ...staffOnQuestion(env),
    refuse: (ctx, q) => (q.status === 'open' ? { text: ctx.t('ask.faq_needs_answer') } : undefined),
    run: async (ctx, q) => {
      const thread = await threadOf(env.deps.db, q.id);
      await ctx.answerCbQuery();
      return env.bot.flows.start(ctx, env.flows.faq, {
        questionId: q.id,
        communityId: q.community_id,
        topic: q.topic,
        locale: q.asker_id ? await env.deps.users.localeOf(q.asker_id) : env.deps.config.defaultLocale,
        question: thread.find((m) => m.role === 'resident')?.text ?? '',
        answer: thread.filter((m) => m.role === 'staff').at(-1)?.text ?? '',
      });
    },
  });
}
