import { choiceStep, defineFlow, requiredTextStep, type FlowContext, type Outcome } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { countFaqHit, faqEntries, matchFaq, MAX_QUESTION, questionRef } from '../../src/domain/ask';
import type { QuestionKind } from '../../src/store/schema/ask';
import { submitQuestion } from '../../src/features/ask/services/questions';
import { faqEntryText } from '../../src/features/ask/views/ask';

/**
 * /ask: a question or a suggestion, its topic and the words. Before a question is filed, up
 * to three FAQ entries close to it are shown with "This answers it" (nothing is filed then).
 */
interface State {
  kind?: QuestionKind;
  topic?: string;
  text?: string;
  /** The FAQ entries shown for this text. */
  matches?: number[];
}

type C = FlowContext<State>;

async function file(deps: CoreDeps, c: C): Promise<Outcome> {
  const { community_id, building_id } = c.user;
  if (!community_id || !building_id) return { finish: { text: c.t('common.start_first') } };
  const q = await submitQuestion(deps, {
    communityId: community_id,
    buildingId: building_id,
    askerId: c.userId,
    kind: c.state.kind!,
    topic: c.state.topic!,
    text: c.state.text!,
    updateId: c.updateId,
  });
  return { finish: { text: c.t(`ask.filed_${q.kind}`, { ref: questionRef(q.id) }), menu: true } };
}

export function askFlow(deps: CoreDeps) {
  return defineFlow<State>({
    id: 'qask',
    first: 'kind',
    initial: () => ({}),
    steps: {
      kind: choiceStep({
        ask: (c) => ({
          text: c.t('ask.ask_kind'),
          choices: [
            { label: c.t('ask.kind_question'), value: 'question' },
            { label: c.t('ask.kind_suggestion'), value: 'suggestion' },
          ],
        }),
        then: (value, c) => {
          c.state.kind = value as QuestionKind;
          return { next: 'topic' };
        },
      }),
      topic: choiceStep({
        ask: (c) => ({
          text: c.t('ask.ask_topic'),
          choices: deps.communities.config.askTopics.map((t) => ({ label: localName(t.name, c.locale), value: t.id })),
        }),
        then: (value, c) => {
          c.state.topic = value;
          return { next: 'text' };
        },
      }),
      text: requiredTextStep({
        ask: (c) => ({ text: c.t(`ask.ask_text_${c.state.kind ?? 'question'}`) }),
        max: MAX_QUESTION,
        min: 4,
        then: async (text, c) => {
          c.state.text = text;
          if (c.state.kind !== 'question' || !c.user.community_id) return file(deps, c);
          const matches = matchFaq(await faqEntries(deps.db, c.user.community_id), text);
          if (matches.length === 0) return file(deps, c);
          c.state.matches = matches.map((m) => m.id);
          return { next: 'faq' };
        },
      }),
      faq: choiceStep({
        ask: async (c) => {
          const entries = (await faqEntries(deps.db, c.user.community_id ?? '')).filter((e) => c.state.matches?.includes(e.id));
          const shown = (c.state.matches ?? []).map((id) => entries.find((e) => e.id === id)).filter((e) => e !== undefined);
          return {
            text: [c.t('ask.faq_matches'), ...shown.map((e, i) => faqEntryText(e, c.locale, i + 1))].join('\n\n'),
            choices: [
              ...shown.map((e, i) => ({ label: c.t('ask.btn_this_answers', { n: i + 1 }), value: String(e.id) })),
              { label: c.t('ask.btn_ask_anyway'), value: 'ask' },
            ],
            columns: 1,
          };
        },
        then: async (value, c) => {
          if (value === 'ask') return file(deps, c);
          await countFaqHit(deps.db, Number(value), c.user.community_id ?? '');
          return { finish: { text: c.t('ask.faq_helped'), menu: true } };
        },
      }),
    },
  });
}
