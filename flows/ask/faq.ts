import { choiceStep, defineFlow, requiredTextStep, type FlowContext } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { addFaqEntry, MAX_ANSWER, MAX_QUESTION, type Texts } from '../../src/domain/ask';
import { escapeHtml, LOCALE_NAMES, LOCALES, type Locale } from '../../src/i18n';

/**
 * Staff turn an answered question into an FAQ entry: the question and the answer start as
 * they were written (in the asker's language); staff correct them and add the other
 * languages they write, then save. A language left out is shown in one the entry has.
 */

export interface FaqArgs {
  questionId: number;
  communityId: string;
  topic: string;
  locale: Locale;
  question: string;
  answer: string;
}
interface State {
  source: number;
  communityId: string;
  topic: string;
  questions: Texts;
  answers: Texts;
  editing?: Locale;
}

type C = FlowContext<State>;
const complete = (s: State) => LOCALES.filter((l) => s.questions[l] && s.answers[l]);

function versions(c: C): string {
  return LOCALES.filter((l) => c.state.questions[l] || c.state.answers[l])
    .map((l) => `<b>${LOCALE_NAMES[l]}</b>\n❔ ${escapeHtml(c.state.questions[l] ?? '…')}\n💬 ${escapeHtml(c.state.answers[l] ?? '…')}`)
    .join('\n\n');
}

export function faqFlow(deps: CoreDeps) {
  return defineFlow<State, FaqArgs>({
    id: 'qfaq',
    first: 'menu',
    initial: (_c, a) => ({
      source: a.questionId,
      communityId: a.communityId,
      topic: a.topic,
      questions: { [a.locale]: a.question },
      answers: { [a.locale]: a.answer },
    }),
    steps: {
      menu: choiceStep({
        ask: (c) => ({
          text: `${c.t('ask.faq_draft')}\n\n${versions(c)}`,
          choices: [
            ...LOCALES.map((l) => ({ label: c.t('ask.btn_faq_edit', { language: LOCALE_NAMES[l] }), value: l })),
            ...(complete(c.state).length > 0 ? [{ label: c.t('ask.btn_faq_save'), value: 'save' }] : []),
          ],
          columns: 1,
        }),
        then: async (value, c) => {
          if (value !== 'save') {
            c.state.editing = value as Locale;
            return { next: 'q' };
          }
          const keep = complete(c.state);
          const pick = (texts: Texts) => Object.fromEntries(keep.map((l) => [l, texts[l]])) as Texts;
          await addFaqEntry(deps.db, c.now, {
            communityId: c.state.communityId,
            topic: c.state.topic,
            questions: pick(c.state.questions),
            answers: pick(c.state.answers),
            sourceQuestionId: c.state.source,
            by: c.userId,
          });
          return { finish: { text: c.t('ask.faq_saved') } };
        },
      }),
      q: requiredTextStep({
        ask: (c) => ({ text: c.t('ask.ask_faq_question', { language: LOCALE_NAMES[c.state.editing ?? 'en'] }) }),
        max: MAX_QUESTION,
        then: (text, c) => {
          c.state.questions[c.state.editing ?? 'en'] = text;
          return { next: 'a' };
        },
      }),
      a: requiredTextStep({
        ask: (c) => ({ text: c.t('ask.ask_faq_answer', { language: LOCALE_NAMES[c.state.editing ?? 'en'] }) }),
        max: MAX_ANSWER,
        then: (text, c) => {
          c.state.answers[c.state.editing ?? 'en'] = text;
          return { next: 'menu' };
        },
      }),
    },
  });
}
