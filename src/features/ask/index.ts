import { FlatComposer } from '../../bot/chain';
import { answerFlow, followUpFlow } from '../../../flows/ask/answer';
import { askFlow } from '../../../flows/ask/ask';
import { faqFlow } from '../../../flows/ask/faq';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import type { AskEnv } from './handlers/env';
import { onQuestionsPage, showQuestions } from './handlers/queue';
import { onReply, showFaq } from './handlers/resident';
import { onAnswer, onToFaq } from './handlers/staff';
import { askJobs } from './jobs';
import { askPrivacy } from './privacy';

/** Asking the committee: /ask, staff answers, follow-ups, the SLA and the staff list (/questions), and the FAQ (/faq). */
export const askFeature: Feature = (deps, bot) => {
  const flows = { ask: askFlow(deps), answer: answerFlow(deps), followUp: followUpFlow(deps), faq: faqFlow(deps) };
  const env: AskEnv = { deps, bot, flows };
  const composer = new FlatComposer<BotContext>();
  for (const handle of [onAnswer, onToFaq, onReply, onQuestionsPage]) handle(composer, env);
  return {
    name: 'ask',
    composer,
    flows: Object.values(flows),
    commands: [
      { name: 'ask', minRole: 'resident', chat: 'private', description: 'ask.cmd_ask', run: (ctx) => bot.flows.start(ctx, flows.ask) },
      { name: 'faq', minRole: 'resident', chat: 'private', description: 'ask.cmd_faq', run: (ctx) => showFaq(env, ctx) },
      {
        name: 'questions',
        minRole: 'staff',
        chat: 'private',
        description: 'ask.cmd_questions',
        run: (ctx) => showQuestions(env, ctx),
      },
    ],
    jobs: askJobs(deps),
    privacy: askPrivacy(deps),
  };
};
