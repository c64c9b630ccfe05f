import { localName } from '../../../community/config';
import { QUESTION_PAGE, questionRef, type WaitingQuestion } from '../../../domain/ask';
import { HOUR } from '../../../clock';
import type { InlineButton, InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { answerButton, questionsPageButton } from '../buttons';
import { topicName, type AskViewDeps } from './ask';

/** /questions: one page of the questions waiting for staff, each with its Answer button. */

export interface QuestionsPage {
  rows: readonly WaitingQuestion[];
  total: number;
  page: number;
  /** Only the waits past the SLA. */
  overdue: boolean;
  now: number;
  slaHours: number;
}

/** Enough of what the asker wrote to answer from; the Answer press opens the rest. */
const EXCERPT = 160;
const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text);

function questionLine(deps: AskViewDeps, q: WaitingQuestion, p: QuestionsPage, t: Translate, locale: Locale): string {
  const building = deps.communities.building(q.community_id, q.building_id);
  return t('ask.queue_line', {
    mark: q.waiting_since + p.slaHours * HOUR <= p.now ? '⏰' : '⏱',
    ref: questionRef(q.id),
    topic: escapeHtml(topicName(deps, q.topic, locale)),
    building: escapeHtml(building ? localName(building.name, locale) : q.building_id),
    hours: Math.floor((p.now - q.waiting_since) / HOUR),
    text: escapeHtml(excerpt(q.latest)),
  });
}

export function questionsView(deps: AskViewDeps, p: QuestionsPage, t: Translate, locale: Locale) {
  const pack = (patch: { overdue?: boolean; page: number }) =>
    questionsPageButton.pack({ overdue: (patch.overdue ?? p.overdue) ? '1' : '0', page: patch.page });
  const keyboard: InlineKeyboard = [
    [{ text: `${p.overdue ? '✅' : '⬜'} ${t('ask.filter_overdue')}`, callback_data: pack({ overdue: !p.overdue, page: 0 }) }],
    ...p.rows.map((q) => [{ text: t('ask.btn_answer_ref', { ref: questionRef(q.id) }), callback_data: answerButton.pack({ id: q.id }) }]),
  ];
  const pages = Math.max(1, Math.ceil(p.total / QUESTION_PAGE));
  const nav: InlineButton[] = [];
  if (p.page > 0) nav.push({ text: '◀️', callback_data: pack({ page: p.page - 1 }) });
  if (p.page + 1 < pages) nav.push({ text: '▶️', callback_data: pack({ page: p.page + 1 }) });
  if (nav.length) keyboard.push(nav);
  const title = t(p.overdue ? 'ask.queue_title_overdue' : 'ask.queue_title', { total: p.total, page: p.page + 1, pages });
  const body = p.rows.length === 0 ? [t('ask.queue_empty')] : p.rows.map((q) => questionLine(deps, q, p, t, locale));
  return { text: [title, ...body].join('\n\n'), keyboard };
}
