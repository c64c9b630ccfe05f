import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { faqEntries, findQuestion, questionRef } from '../../../domain/ask';
import { replyButton } from '../buttons';
import { markAnswered } from '../services/questions';
import { faqList } from '../views/ask';
import type { AskEnv } from './env';

/** What the asker presses on an answer: "That answers it" closes the question; "I have a follow-up" continues the thread. */
export function onReply(composer: Composer<BotContext>, env: AskEnv): void {
  onButton(composer, {
    codec: replyButton,
    load: async (p, ctx) => {
      const q = await findQuestion(env.deps.db, p.id);
      return q && q.asker_id === ctx.from.id ? q : undefined;
    },
    refuse: (ctx, q) => (q.status === 'answered' ? undefined : { text: ctx.t('common.already_done'), alert: false }),
    run: async (ctx, q, p) => {
      await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
      if (p.op === 'f') {
        await ctx.answerCbQuery();
        return env.bot.flows.start(ctx, env.flows.followUp, { questionId: q.id });
      }
      if (!(await markAnswered(env.deps, q.id, ctx.from.id))) return ctx.answerCbQuery(ctx.t('common.already_done'));
      await ctx.answerCbQuery();
      return ctx.reply(ctx.t('ask.resolved', { ref: questionRef(q.id) }), { reply_markup: env.bot.mainMenu(ctx) });
    },
  });
}

/** /faq: the community's entries by topic, each in the reader's language or the one it has. */
export async function showFaq(env: AskEnv, ctx: BotContext) {
  const entries = await faqEntries(env.deps.db, ctx.profile?.community_id ?? '');
  return ctx.reply(faqList(env.deps, entries, ctx.t, ctx.locale), { parse_mode: 'HTML' });
}
