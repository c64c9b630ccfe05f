import { defineFlow, requiredTextStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { MAX_ANSWER, MAX_QUESTION, questionRef } from '../../src/domain/ask';
import { atLeast } from '../../src/domain/roles';
import { answer, sendFollowUp } from '../../src/features/ask/services/questions';
import { toFaqKeyboard } from '../../src/features/ask/views/ask';

/** Staff write an answer; the asker writes a follow-up. Both are one text step on a question. */

export interface QuestionArgs {
  questionId: number;
}
interface State {
  id: number;
}

export function answerFlow(deps: CoreDeps) {
  return defineFlow<State, QuestionArgs>({
    id: 'qans',
    first: 'answer',
    initial: (_c, args) => ({ id: args.questionId }),
    steps: {
      answer: requiredTextStep({
        ask: (c) => ({ text: c.t('ask.ask_answer', { ref: questionRef(c.state.id) }) }),
        max: MAX_ANSWER,
        then: async (text, c) => {
          if (!(await answer(deps, c.state.id, c.userId, text))) return { finish: { text: c.t('ask.already_answered') } };
          // Only staff keep an FAQ (a grid worker answers, and that is all).
          const keyboard = atLeast(c.role, 'staff') ? toFaqKeyboard(c.state.id, c.t) : undefined;
          const sent = c.t(keyboard ? 'ask.answer_sent' : 'ask.answer_sent_plain', { ref: questionRef(c.state.id) });
          return { finish: { text: sent, keyboard, menu: !keyboard } };
        },
      }),
    },
  });
}

export function followUpFlow(deps: CoreDeps) {
  return defineFlow<State, QuestionArgs>({
    id: 'qfup',
    first: 'text',
    initial: (_c, args) => ({ id: args.questionId }),
    steps: {
      text: requiredTextStep({
        ask: (c) => ({ text: c.t('ask.ask_follow_up', { ref: questionRef(c.state.id) }) }),
        max: MAX_QUESTION,
        then: async (text, c) => {
          const sent = await sendFollowUp(deps, c.state.id, c.userId, text);
          return {
            finish: { text: c.t(sent ? 'ask.follow_up_sent' : 'ask.follow_up_refused', { ref: questionRef(c.state.id) }), menu: true },
          };
        },
      }),
    },
  });
}
