import type { BotServices } from '../../../bot/services';
import type { CoreDeps } from '../../../deps';
import type { askFlow } from '../../../../flows/ask/ask';
import type { answerFlow, followUpFlow } from '../../../../flows/ask/answer';
import type { faqFlow } from '../../../../flows/ask/faq';

/** What every ask handler works with: the core dependencies, the bot's services and the feature's flows. */
export interface AskEnv {
  deps: CoreDeps;
  bot: BotServices;
  flows: {
    ask: ReturnType<typeof askFlow>;
    answer: ReturnType<typeof answerFlow>;
    followUp: ReturnType<typeof followUpFlow>;
    faq: ReturnType<typeof faqFlow>;
  };
}
