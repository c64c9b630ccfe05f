import { defineFlow, requiredTextStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import type { HandUpAnswer } from '../../src/domain/handups';
import { MAX_NOTE, publicId } from '../../src/domain/hazards';
import { answerHandUp } from '../../src/features/grid/services/handups';

/** The outside body's answer to a hand-up: the answer was pressed, this asks for its note and records it. */
interface State {
  id: number;
  answer: HandUpAnswer;
}

export function handUpAnswerFlow(deps: CoreDeps) {
  return defineFlow<State, { reportId: number; answer: HandUpAnswer }>({
    id: 'gha',
    first: 'note',
    initial: (_c, args) => ({ id: args.reportId, answer: args.answer }),
    steps: {
      note: requiredTextStep({
        ask: (c) => ({ text: c.t('grid.ask_handup_note', { id: publicId(c.state.id), answer: c.t(`grid.handup_${c.state.answer}`) }) }),
        max: MAX_NOTE,
        then: async (note, c) => {
          const actor = { id: c.userId, role: c.role, communityId: c.user.community_id };
          const result = await answerHandUp(deps, actor, c.state.id, c.state.answer, note);
          return { finish: { text: c.t(`grid.handup_answer_${result}`, { id: publicId(c.state.id) }) } };
        },
      }),
    },
  });
}
