import { DAY } from '../../../clock';
import type { CoreDeps } from '../../../deps';
import { createOccurrence, recurrencesDue, setRecurrence, type HelpRequest } from '../../../domain/help';
import { nextOccurrence } from '../../../domain/help-time';
import type { HelpText } from '../views/text';
import type { Cards } from './cards';

/** Recurring help (meal delivery, a paired household's visit): staff set it, a job posts each occurrence. */

export type Recurrence = ReturnType<typeof recurrenceService>;

export type Every = 'week' | 'month' | 'off';

export function recurrenceService(deps: Pick<CoreDeps, 'db' | 'sender'>, h: HelpText, cards: Cards) {
  const { db } = deps;

  /**
   * Staff make a request repeat (meal delivery, a paired household's visit): the next occurrence
   * follows the latest one's window. Undefined when the request cannot repeat.
   */
  const recur = async (now: number, request: HelpRequest, every: Every, staffId: number): Promise<{ next: number } | undefined> => {
    const latest = await db
      .selectFrom('tasks')
      .select(['window_start', 'created_at'])
      .where('request_id', '=', request.id)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    let next = latest?.window_start ?? latest?.created_at ?? now;
    while (next <= now && every !== 'off') next = nextOccurrence(next, every, h.tz);
    return (await setRecurrence(db, now, request.id, every, staffId, next)) ? { next } : undefined;
  };

  /** Job: the next occurrence of each recurring request, a day before its window. */
  const postRecurring = async (now: number) => {
    // A day's notice: each occurrence's task appears a day before its window.
    for (const rec of await recurrencesDue(db, now, DAY)) {
      await createOccurrence(db, now, rec, nextOccurrence(rec.next_at, rec.every, h.tz), (tx, task, request) =>
        cards.postCard(tx, now, task, request).then(() => undefined),
      );
    }
    deps.sender.poke();
  };

  return { recur, postRecurring };
}
