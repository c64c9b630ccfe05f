import { localName, type Communities } from '../../../community/config';
import { inLocale, questionRef, type FaqEntry, type Question } from '../../../domain/ask';
import { formatWindow } from '../../../domain/help-time';
import { HOUR } from '../../../clock';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { answerButton, replyButton, toFaqButton } from '../buttons';

/** What the ask messages look like: the staff card, the answer the asker gets, the FAQ. */

export interface AskViewDeps {
  communities: Communities;
  config: { timezone: string };
}

type ThreadLine = { role: 'resident' | 'staff'; text: string };

export function topicName(deps: AskViewDeps, topic: string, locale: Locale): string {
  const found = deps.communities.askTopic(topic);
  return found ? localName(found.name, locale) : topic;
}

/** The card staff answer from: kind, topic, building, the thread so far and the deadline. */
export function questionCard(deps: AskViewDeps, q: Question, thread: ThreadLine[], slaHours: number, t: Translate, locale: Locale): string {
  const building = deps.communities.building(q.community_id, q.building_id);
  const head = t(`ask.card_${q.kind}`, {
    ref: questionRef(q.id),
    topic: escapeHtml(topicName(deps, q.topic, locale)),
    building: escapeHtml(building ? localName(building.name, locale) : q.building_id),
  });
  const lines = thread.map((m) => t(m.role === 'staff' ? 'ask.line_staff' : 'ask.line_resident', { text: escapeHtml(m.text) }));
  const due = formatWindow(q.waiting_since + slaHours * HOUR, null, locale, deps.config.timezone)!;
  // An overdue wait says so on the card, as a report's card does (markOverdue edits every copy).
  const waiting = q.overdue_at === null ? t('ask.card_due', { due }) : t('ask.card_overdue', { due });
  const footer = q.status === 'open' ? waiting : t('ask.card_answered');
  return [head, ...lines, footer].join('\n\n');
}

export const answerKeyboard = (id: number, t: Translate): InlineKeyboard => [
  [{ text: t('ask.btn_answer'), callback_data: answerButton.pack({ id }) }],
];

/** The answer as the asker reads it, with the two ways to reply. */
export function answerMessage(q: Question, answer: string, t: Translate): { text: string; keyboard: InlineKeyboard } {
  return {
    text: t('ask.answer_for_you', { ref: questionRef(q.id), answer: escapeHtml(answer) }),
    keyboard: [
      [{ text: t('ask.btn_answers_it'), callback_data: replyButton.pack({ id: q.id, op: 'y' }) }],
      [{ text: t('ask.btn_follow_up'), callback_data: replyButton.pack({ id: q.id, op: 'f' }) }],
    ],
  };
}

export const toFaqKeyboard = (id: number, t: Translate): InlineKeyboard => [
  [{ text: t('ask.btn_to_faq'), callback_data: toFaqButton.pack({ id }) }],
];

/** One entry as /faq and the matches before filing show it. */
export function faqEntryText(e: FaqEntry, locale: Locale, n?: number): string {
  const q = escapeHtml(inLocale(e.questions, locale));
  const a = escapeHtml(inLocale(e.answers, locale));
  return `${n === undefined ? '❔' : `${n}.`} <b>${q}</b>\n${a}`;
}

/** /faq: the entries under their topics. */
export function faqList(deps: AskViewDeps, entries: FaqEntry[], t: Translate, locale: Locale): string {
  if (entries.length === 0) return t('ask.faq_none');
  const topics = [...new Set(entries.map((e) => e.topic))];
  const sections = topics.map((topic) =>
    [
      `<b>${escapeHtml(topicName(deps, topic, locale))}</b>`,
      ...entries.filter((e) => e.topic === topic).map((e) => faqEntryText(e, locale)),
    ].join('\n'),
  );
  return [t('ask.faq_title'), ...sections].join('\n\n');
}
