import type { Selectable } from 'kysely';
import { HOUR } from '../clock';
import type { Locale } from '../i18n';
import type { Executor } from '../store/db';
import type { FaqEntriesTable, QuestionKind, QuestionsTable } from '../store/schema/ask';
import { audit } from './audit';
import { fromUpdate } from './redelivery';

/**
 * Questions and suggestions to the committee (/ask), their thread, and the FAQ. A question
 * waits for staff (open), is answered (answered), and either answers it (closed) or gets a
 * follow-up (open again, a new wait and a new SLA clock). Every move is one guarded UPDATE.
 */

export type Question = Selectable<QuestionsTable>;
export type FaqRow = Selectable<FaqEntriesTable>;

export const MAX_QUESTION = 1000;
export const MAX_ANSWER = 2000;

export const questionRef = (id: number) => `Q-${id}`;

export interface NewQuestion {
  communityId: string;
  buildingId: string;
  askerId: number;
  kind: QuestionKind;
  topic: string;
  text: string;
  /** The update whose press files it: handled again after a crash, it finds this question. */
  updateId?: number;
}

/** The question an update filed already (handled again after a crash). */
export function questionOfUpdate(tx: Executor, now: number, q: NewQuestion): Promise<Question | undefined> {
  if (q.updateId === undefined) return Promise.resolve(undefined);
  return tx.selectFrom('questions').selectAll().where(fromUpdate(q.updateId, now)).where('asker_id', '=', q.askerId).executeTakeFirst();
}

export async function createQuestion(tx: Executor, now: number, q: NewQuestion): Promise<Question> {
  const row = await tx
    .insertInto('questions')
    .values({
      community_id: q.communityId,
      building_id: q.buildingId,
      asker_id: q.askerId,
      kind: q.kind,
      topic: q.topic,
      status: 'open',
      created_at: now,
      waiting_since: now,
      first_answered_at: null,
      answered_at: null,
      answered_by: null,
      overdue_at: null,
      resolved_at: null,
      update_id: q.updateId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addMessage(tx, now, row.id, q.askerId, 'resident', q.text);
  return row;
}

async function addMessage(tx: Executor, now: number, questionId: number, authorId: number, role: 'resident' | 'staff', text: string) {
  await tx.insertInto('question_messages').values({ question_id: questionId, author_id: authorId, role, text, created_at: now }).execute();
}

export function findQuestion(db: Executor, id: number): Promise<Question | undefined> {
  return db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function threadOf(db: Executor, id: number) {
  return db.selectFrom('question_messages').selectAll().where('question_id', '=', id).orderBy('id').execute();
}

/** Staff answer an open question; false when someone answered it first (or it is not open). */
export async function answerQuestion(tx: Executor, now: number, id: number, staffId: number, text: string): Promise<boolean> {
  const moved = await tx
    .updateTable('questions')
    .set((eb) => ({
      status: 'answered',
      answered_at: now,
      answered_by: staffId,
      first_answered_at: eb.fn.coalesce('first_answered_at', eb.val(now)),
    }))
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  await addMessage(tx, now, id, staffId, 'staff', text);
  await audit(tx, now, staffId, 'question.answer', `question:${id}`, {});
  return true;
}

/** The asker says the answer answers it; false for a second press or someone else's question. */
export async function resolveQuestion(tx: Executor, now: number, id: number, askerId: number): Promise<boolean> {
  const moved = await tx
    .updateTable('questions')
    .set({ status: 'closed', resolved_at: now })
    .where('id', '=', id)
    .where('asker_id', '=', askerId)
    .where('status', '=', 'answered')
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** The asker follows up on an answer: the question waits for staff again, with a fresh SLA. */
export async function followUp(tx: Executor, now: number, id: number, askerId: number, text: string): Promise<boolean> {
  const moved = await tx
    .updateTable('questions')
    .set((eb) => ({ status: 'open', waiting_since: now, overdue_at: null, rounds: eb('rounds', '+', 1) }))
    .where('id', '=', id)
    .where('asker_id', '=', askerId)
    .where('status', '=', 'answered')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  await addMessage(tx, now, id, askerId, 'resident', text);
  return true;
}

/** Open questions whose wait passed the SLA and that have not been marked overdue for this wait. */
export function overdueQuestions(db: Executor, now: number, slaHours: number): Promise<Question[]> {
  return db
    .selectFrom('questions')
    .selectAll()
    .where('status', '=', 'open')
    .where('overdue_at', 'is', null)
    .where('waiting_since', '<=', now - slaHours * HOUR)
    .orderBy('id')
    .execute();
}

/** Marks one wait overdue, once however many schedulers run. */
export async function markQuestionOverdue(tx: Executor, now: number, q: Question): Promise<boolean> {
  const moved = await tx
    .updateTable('questions')
    .set({ overdue_at: now })
    .where('id', '=', q.id)
    .where('status', '=', 'open')
    .where('waiting_since', '=', q.waiting_since)
    .where('overdue_at', 'is', null)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

export function questionsOf(db: Executor, askerId: number) {
  return db.selectFrom('questions').selectAll().where('asker_id', '=', askerId).orderBy('id').execute();
}

// ---- FAQ ---------------------------------------------------------------------------------

export type Texts = Partial<Record<Locale, string>>;

export interface FaqEntry {
  id: number;
  topic: string;
  questions: Texts;
  answers: Texts;
}

const FALLBACK: Locale[] = ['zh-CN', 'zh-TW', 'en'];

/** The text in the reader's language, else in whichever language the entry has. */
export function inLocale(texts: Texts, locale: Locale): string {
  return texts[locale] ?? FALLBACK.map((l) => texts[l]).find((x) => x !== undefined) ?? '';
}

const entryOf = (row: FaqRow): FaqEntry => ({
  id: row.id,
  topic: row.topic,
  questions: JSON.parse(row.questions) as Texts,
  answers: JSON.parse(row.answers) as Texts,
});

export async function faqEntries(db: Executor, communityId: string): Promise<FaqEntry[]> {
  const rows = await db
    .selectFrom('faq_entries')
    .selectAll()
    .where('community_id', '=', communityId)
    .orderBy('topic')
    .orderBy('id')
    .execute();
  return rows.map(entryOf);
}

export async function addFaqEntry(
  tx: Executor,
  now: number,
  e: { communityId: string; topic: string; questions: Texts; answers: Texts; sourceQuestionId: number | null; by: number },
): Promise<number> {
  const row = await tx
    .insertInto('faq_entries')
    .values({
      community_id: e.communityId,
      topic: e.topic,
      questions: JSON.stringify(e.questions),
      answers: JSON.stringify(e.answers),
      source_question_id: e.sourceQuestionId,
      created_by: e.by,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, now, e.by, 'faq.add', `faq:${row.id}`, { question: e.sourceQuestionId });
  return row.id;
}

/** "This answers it": the entry spared a question. */
export async function countFaqHit(tx: Executor, id: number, communityId: string): Promise<boolean> {
  const r = await tx
    .updateTable('faq_entries')
    .set((eb) => ({ hits: eb('hits', '+', 1) }))
    .where('id', '=', id)
    .where('community_id', '=', communityId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const STOP_WORDS = new Set([
  'the',
  'is',
  'are',
  'an',
  'to',
  'of',
  'in',
  'on',
  'for',
  'and',
  'or',
  'do',
  'does',
  'can',
  'how',
  'what',
  'my',
  'it',
  'be',
  'at',
  'we',
  'you',
]);

/**
 * What a text is matched by: Chinese has no spaces, so each run of Han characters gives its
 * character bigrams (a lone character stands for itself); other scripts give their words,
 * lower-cased, without the commonest English ones.
 */
export function matchTokens(text: string): Set<string> {
  const tokens = new Set<string>();
  for (const run of text.toLowerCase().match(/\p{Script=Han}+|[\p{L}\p{N}]+/gu) ?? []) {
    if (/\p{Script=Han}/u.test(run)) {
      if (run.length === 1) tokens.add(run);
      for (let i = 0; i + 1 < run.length; i++) tokens.add(run.slice(i, i + 2));
    } else if (run.length >= 2 && !STOP_WORDS.has(run)) tokens.add(run.endsWith('s') && run.length > 3 ? run.slice(0, -1) : run);
  }
  return tokens;
}

/** Dice similarity of two token sets. */
function similarity(a: Set<string>, b: Set<string>): { score: number; shared: number } {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return { score: a.size + b.size === 0 ? 0 : (2 * shared) / (a.size + b.size), shared };
}

export const FAQ_MATCHES_SHOWN = 3;
const MIN_SCORE = 0.3;

/** Up to three entries whose question (in any of its languages) is close to the text, best first. */
export function matchFaq(entries: FaqEntry[], text: string): FaqEntry[] {
  const asked = matchTokens(text);
  const minShared = Math.min(2, asked.size);
  return entries
    .map((e) => {
      const best = Object.values(e.questions).map((q) => similarity(asked, matchTokens(q ?? '')));
      const top = best.sort((x, y) => y.score - x.score)[0] ?? { score: 0, shared: 0 };
      return { e, ...top };
    })
    .filter((m) => m.shared >= minShared && minShared > 0 && m.score >= MIN_SCORE)
    .sort((x, y) => y.score - x.score)
    .slice(0, FAQ_MATCHES_SHOWN)
    .map((m) => m.e);
}

// ---- the weekly summary ---------------------------------------------------------------------

export interface AskFigures {
  /** Questions and suggestions filed in the week. */
  asked: number;
  /** Of the questions whose first wait was settled this week (first answered, or its SLA deadline passed unanswered), how many in time. */
  answeredInSla: number;
  slaSettled: number;
  /** Residents' replies to answers this week: "That answers it" (satisfied) among them and follow-ups. */
  satisfied: number;
  replies: number;
}

/**
 * The week's question figures: judged at min(week's end, asOf), as the summary judges reports,
 * so a deadline still to come counts as neither met nor missed.
 */
export async function askFigures(
  db: Executor,
  communityId: string,
  w: { start: number; end: number },
  asOf: number,
  slaHours: number,
): Promise<AskFigures> {
  const sla = slaHours * HOUR;
  const judged = Math.min(w.end, asOf);
  const rows = await db
    .selectFrom('questions')
    .select(['created_at', 'first_answered_at', 'resolved_at'])
    .where('community_id', '=', communityId)
    .where((eb) =>
      eb.or([
        eb.and([eb('created_at', '>=', w.start), eb('created_at', '<', w.end)]),
        eb.and([eb('first_answered_at', '>=', w.start), eb('first_answered_at', '<', w.end)]),
        eb.and([eb('created_at', '>=', w.start - sla), eb('created_at', '<', w.end - sla)]),
        eb.and([eb('resolved_at', '>=', w.start), eb('resolved_at', '<', w.end)]),
      ]),
    )
    .execute();
  const inWeek = (at: number | null) => at !== null && at >= w.start && at < w.end && at <= judged;
  let answeredInSla = 0;
  let slaSettled = 0;
  for (const q of rows) {
    const deadline = q.created_at + sla;
    const inTime = q.first_answered_at !== null && q.first_answered_at <= deadline;
    if (inTime ? inWeek(q.first_answered_at) : inWeek(deadline)) {
      slaSettled++;
      if (inTime) answeredInSla++;
    }
  }
  const followUps = await db
    .selectFrom('question_messages')
    .innerJoin('questions', 'questions.id', 'question_messages.question_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('questions.community_id', '=', communityId)
    .where('question_messages.role', '=', 'resident')
    .whereRef('question_messages.created_at', '>', 'questions.created_at')
    .where('question_messages.created_at', '>=', w.start)
    .where('question_messages.created_at', '<', w.end)
    .executeTakeFirstOrThrow();
  const satisfied = rows.filter((q) => inWeek(q.resolved_at)).length;
  return {
    asked: rows.filter((q) => q.created_at >= w.start && q.created_at < w.end).length,
    answeredInSla,
    slaSettled,
    satisfied,
    replies: satisfied + Number(followUps.n),
  };
}

/** The question goes to its building's grid worker first; the committee group gets it at `groupDueAt` if still unanswered. */
export async function routeToResponder(tx: Executor, id: number, responderId: number, groupDueAt: number): Promise<void> {
  await tx.updateTable('questions').set({ responder_id: responderId, group_due_at: groupDueAt }).where('id', '=', id).execute();
}

/** Questions their grid worker left unanswered past the wait: due to go to the committee group. */
export function questionsDueForGroup(db: Executor, now: number): Promise<Question[]> {
  return db
    .selectFrom('questions')
    .selectAll()
    .where('status', '=', 'open')
    .where('group_due_at', 'is not', null)
    .where('group_due_at', '<=', now)
    .orderBy('id')
    .execute();
}

/** Takes one question for the committee group, once however many schedulers run (group_due_at as read). */
export async function takeForGroup(tx: Executor, q: Question): Promise<boolean> {
  const taken = await tx
    .updateTable('questions')
    .set({ group_due_at: null })
    .where('id', '=', q.id)
    .where('status', '=', 'open')
    .where('group_due_at', '=', q.group_due_at)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

// ---- the staff list (/questions) ------------------------------------------------------------

export const QUESTION_PAGE = 8;

export interface WaitingQuestion extends Question {
  /** What the asker wrote last: the question, or the follow-up this wait is for. */
  latest: string;
}

/**
 * Questions waiting for staff, the longest wait first: of one community (all when undefined), and
 * only those past the SLA when `overdue` (the job's rule, so the list does not wait for its run).
 */
export async function waitingQuestions(
  db: Executor,
  now: number,
  slaHours: number,
  f: { communityId?: string; overdue: boolean },
  page: number,
): Promise<{ rows: WaitingQuestion[]; total: number }> {
  let q = db.selectFrom('questions').where('status', '=', 'open');
  if (f.communityId) q = q.where('community_id', '=', f.communityId);
  if (f.overdue) q = q.where('waiting_since', '<=', now - slaHours * HOUR);
  const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('waiting_since')
    .orderBy('id')
    .limit(QUESTION_PAGE)
    .offset(page * QUESTION_PAGE)
    .execute();
  if (rows.length === 0) return { rows: [], total: Number(n) };
  const said = await db
    .selectFrom('question_messages')
    .select(['question_id', 'text'])
    .where(
      'question_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('role', '=', 'resident')
    .orderBy('id')
    .execute();
  const latest = new Map(said.map((m) => [Number(m.question_id), m.text]));
  return { rows: rows.map((r) => ({ ...r, latest: latest.get(Number(r.id)) ?? '' })), total: Number(n) };
}
