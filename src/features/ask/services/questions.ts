import type { CoreDeps } from '../../../deps';
import {
  answerQuestion,
  createQuestion,
  questionOfUpdate,
  findQuestion,
  followUp,
  markQuestionOverdue,
  questionRef,
  resolveQuestion,
  routeToResponder,
  takeForGroup,
  threadOf,
  type NewQuestion,
  type Question,
} from '../../../domain/ask';
import { enqueue, enqueueEdit, PRIORITY, type InlineKeyboard } from '../../../delivery/outbox';
import type { Locale, Translate } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { MINUTE } from '../../../clock';
import { gridWorkerFor } from '../../grid/services/responders';
import { answerKeyboard, answerMessage, questionCard } from '../views/ask';
import { editAtStaff, routeToStaff } from './routing';

/**
 * What happens when a question moves: the domain change and, in the same transaction, who
 * hears through the outbox (staff for a new question or a follow-up, the asker for an answer).
 */

export type AskDeps = Pick<CoreDeps, 'db' | 'users' | 'clock' | 'sender' | 'config' | 'communities' | 'i18n'>;

const slaHours = (deps: AskDeps) => deps.communities.settings.askSlaHours;
/** Each wait (the question, then each follow-up) gets its own card under this ref; the grid worker's copy, under its own. */
const cardRef = (q: Question) => `question:${q.id}:card:${q.rounds}`;
const responderRef = (q: Question) => `question:${q.id}:responder:${q.rounds}`;

async function cardFor(deps: AskDeps, tx: Executor, q: Question, t: Translate, locale: Locale): Promise<string> {
  return questionCard(deps, q, await threadOf(tx, q.id), slaHours(deps), t, locale);
}

/**
 * A new question or follow-up goes, like a report, to the building's grid worker first (privately,
 * with Answer); unanswered after settings.gridAckMinutes it goes to staff (fallBackQuestions).
 * A partner unit's contact never gets residents' questions: their frontage is about hazards.
 */
async function postCard(deps: AskDeps, tx: Executor, now: number, q: Question): Promise<void> {
  // The grid worker, even where a unit's frontage covers the building (the unit takes its reports, never questions).
  const worker = await gridWorkerFor(tx, q.community_id, q.building_id);
  if (worker && worker !== q.asker_id) return sendToResponder(deps, tx, now, q, worker);
  return postToStaff(deps, tx, now, q);
}

async function sendToResponder(deps: AskDeps, tx: Executor, now: number, q: Question, userId: number): Promise<void> {
  const minutes = deps.communities.settings.gridAckMinutes;
  await routeToResponder(tx, q.id, userId, now + minutes * MINUTE);
  const locale = await deps.users.localeOf(userId, tx);
  const t = deps.i18n.translator(locale);
  const text = `${t('ask.first_grid', { ref: questionRef(q.id), minutes })}\n\n${await cardFor(deps, tx, q, t, locale)}`;
  await enqueue(tx, now, { chatId: userId, text, keyboard: answerKeyboard(q.id, t), priority: PRIORITY.personal, ref: responderRef(q) });
}

/** Questions their grid worker did not answer in time go to staff; the grid worker hears it. */
export async function fallBackQuestions(deps: AskDeps, now: number, due: Question[]): Promise<void> {
  for (const q of due) {
    await deps.db.transaction().execute(async (tx) => {
      if (!(await takeForGroup(tx, q))) return;
      await postToStaff(deps, tx, now, q);
      if (q.responder_id === null) return;
      const t = deps.i18n.translator(await deps.users.localeOf(q.responder_id, tx));
      const text = t('ask.went_to_group', { ref: questionRef(q.id), minutes: deps.communities.settings.gridAckMinutes });
      await enqueue(tx, now, { chatId: q.responder_id, text, priority: PRIORITY.personal, ref: `${responderRef(q)}:fallback` });
    });
  }
  if (due.length > 0) deps.sender.poke();
}

/** Sends the question's card (as it stands) to staff, with the Answer button. */
async function postToStaff(deps: AskDeps, tx: Executor, now: number, q: Question): Promise<void> {
  const thread = await threadOf(tx, q.id);
  await routeToStaff(deps, tx, now, { communityId: q.community_id, ref: cardRef(q) }, (t, locale) => ({
    text: questionCard(deps, q, thread, slaHours(deps), t, locale),
    keyboard: answerKeyboard(q.id, t),
  }));
}

export async function submitQuestion(deps: AskDeps, draft: NewQuestion): Promise<Question> {
  const now = deps.clock.now();
  const q = await deps.db.transaction().execute(async (tx) => {
    // Handled again after a crash: the question and its card exist already.
    const filed = await questionOfUpdate(tx, now, draft);
    if (filed) return filed;
    const created = await createQuestion(tx, now, draft);
    await postCard(deps, tx, now, created);
    return created;
  });
  deps.sender.poke();
  return q;
}

/** Staff answer: the asker hears it privately with "That answers it" / "I have a follow-up"; the group card loses its button. */
export async function answer(deps: AskDeps, id: number, staffId: number, text: string): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (tx) => {
    if (!(await answerQuestion(tx, now, id, staffId, text))) return false;
    const q = (await findQuestion(tx, id))!;
    if (q.asker_id !== null) {
      const t = deps.i18n.translator(await deps.users.localeOf(q.asker_id, tx));
      await enqueue(tx, now, {
        chatId: q.asker_id,
        ...answerMessage(q, text, t),
        priority: PRIORITY.personal,
        ref: `question:${id}:answer:${q.rounds}`,
      });
    }
    // Staff's card (the group's, or each one's private copy) and the grid worker's lose their Answer button.
    await refreshCards(deps, tx, now, q, () => []);
    return true;
  });
  if (done) deps.sender.poke();
  return done;
}

export async function markAnswered(deps: AskDeps, id: number, askerId: number): Promise<boolean> {
  return resolveQuestion(deps.db, deps.clock.now(), id, askerId);
}

/** A follow-up: the question waits for staff again, and a fresh card goes to them with the whole thread. */
export async function sendFollowUp(deps: AskDeps, id: number, askerId: number, text: string): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (tx) => {
    if (!(await followUp(tx, now, id, askerId, text))) return false;
    await postCard(deps, tx, now, (await findQuestion(tx, id))!);
    return true;
  });
  if (done) deps.sender.poke();
  return done;
}

/** Every copy of this wait's card (staff's, and the grid worker's) shows the question as it stands now. */
async function refreshCards(deps: AskDeps, tx: Executor, now: number, q: Question, keyboard: (t: Translate) => InlineKeyboard) {
  const thread = await threadOf(tx, q.id);
  const say = (t: Translate, locale: Locale) => ({ text: questionCard(deps, q, thread, slaHours(deps), t, locale), keyboard: keyboard(t) });
  await editAtStaff(deps, tx, now, { communityId: q.community_id, ref: cardRef(q) }, say);
  if (q.responder_id === null) return;
  const mine = await deps.users.localeOf(q.responder_id, tx);
  await enqueueEdit(tx, now, { ref: responderRef(q), ...say(deps.i18n.translator(mine), mine), priority: PRIORITY.personal });
}

/** SLA: a wait past its deadline is marked overdue, its cards say so (still with Answer), and staff are told once. */
export async function markOverdue(deps: AskDeps, now: number, q: Question): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await markQuestionOverdue(tx, now, q))) return;
    await refreshCards(deps, tx, now, (await findQuestion(tx, q.id))!, (t) => answerKeyboard(q.id, t));
    await routeToStaff(deps, tx, now, { communityId: q.community_id, ref: `question:${q.id}:overdue:${q.rounds}` }, (t) => ({
      text: t('ask.overdue', { ref: questionRef(q.id), hours: slaHours(deps) }),
      keyboard: answerKeyboard(q.id, t),
    }));
  });
}
