import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, textAnswer, textRetry } from '../src/bot/flow';
import { hoursButton, rateButton, type HelpKit } from '../src/bot/features/help-kit';
import { completeTask, findRequest, findTask, measuredMinutes } from '../src/domain/help';
import { formatMinutes } from '../src/domain/help-time';
import { leadsOf } from '../src/domain/volunteers';
import { escapeHtml } from '../src/i18n';

/**
 * Done: a short note → an optional photo → the hours (measured from Start, correctable) →
 * the task is closed, the card says so, and the person helped is asked to rate it.
 */
interface State {
  task: number;
  note?: string;
  photo?: string;
}

const MAX_HOURS = 24;

/** "1.5", "1,5" or "2" hours → minutes; undefined outside (0, 24]. */
export function hoursAnswer(text: string): number | undefined {
  const m = /^\s*(\d{1,2}(?:[.,]\d{1,2})?)\s*(h|小时|小時|hours?)?\s*$/i.exec(text);
  if (!m) return undefined;
  const hours = Number(m[1].replace(',', '.'));
  return hours > 0 && hours <= MAX_HOURS ? Math.round(hours * 60) : undefined;
}

export function doneFlow(deps: CoreDeps, kit: HelpKit) {
  const limitMinutes = deps.communities.settings.hoursCorrectionLimit * 60;

  const finish = async (
    c: { userId: number; now: number; t: (k: string, p?: Record<string, string | number>) => string; state: State },
    correctedMinutes?: number,
  ) => {
    let waiting = false;
    const done = await completeTask(
      deps.db,
      c.now,
      c.state.task,
      c.userId,
      { note: c.state.note!, photo: c.state.photo, correctedMinutes },
      limitMinutes,
      async (tx, task, hoursId, needsApproval) => {
        const request = (await findRequest(tx, task.request_id))!;
        await kit.editCard(tx, c.now, task, request, 'card_done');
        if (request.requester_id !== null && request.requester_id !== c.userId) {
          await kit.notifyUserL(
            tx,
            c.now,
            request.requester_id,
            'rate_ask',
            (l) => ({ id: task.id, type: escapeHtml(kit.typeName(request.type, l)), note: escapeHtml(task.done_note ?? '') }),
            () => [[1, 2, 3, 4, 5].map((score) => ({ text: `${score}⭐`, callback_data: rateButton.pack({ task: task.id, score }) }))],
            task.done_photo ?? undefined,
          );
        }
        waiting = needsApproval;
        if (needsApproval) {
          const leads = (await leadsOf(tx, task.community_id, task.team_id)).filter((id) => id !== c.userId);
          const approvers = leads.length > 0 ? leads : (await deps.users.staffOf(task.community_id, tx)).map((u) => u.id);
          const volunteer = await tx.selectFrom('users').select('first_name').where('id', '=', c.userId).executeTakeFirst();
          for (const id of approvers) {
            await kit.notifyUserL(
              tx,
              c.now,
              id,
              'hours_approval',
              (l) => ({
                name: escapeHtml(volunteer?.first_name ?? ''),
                id: task.id,
                measured: formatMinutes(measuredMinutes(task, task.done_at!), l),
                claimed: formatMinutes(correctedMinutes!, l),
              }),
              (l) => [
                [
                  { text: kit.t(l, 'approve'), callback_data: hoursButton.pack({ hours: hoursId, yes: 1 }) },
                  { text: kit.t(l, 'decline'), callback_data: hoursButton.pack({ hours: hoursId, yes: 0 }) },
                ],
              ],
            );
          }
        }
      },
    );
    deps.sender.poke();
    if (!done) return { finish: { text: c.t('help.task_not_yours'), menu: true } };
    return { finish: { text: c.t(waiting ? 'help.done_thanks_pending' : 'help.done_thanks'), menu: true } };
  };

  return defineFlow<State>({
    id: 'hdone',
    first: 'note',
    initial: (_c, args) => ({ task: Number(args.task) }),
    steps: {
      note: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('help.ask_done_note', { id: c.state.task }) }),
        answer: (input, c) => {
          const a = textAnswer(input, { max: 500 });
          if (!a.ok) return textRetry(c.t, a.reason, 500);
          c.state.note = a.text;
          return { next: 'photo' };
        },
      },
      photo: {
        accepts: ['photo', 'skip'],
        ask: (c) => ({ text: c.t('help.ask_done_photo'), skippable: true }),
        answer: (input, c) => {
          c.state.photo = input.kind === 'photo' ? input.fileId : undefined;
          return { next: 'hours' };
        },
      },
      hours: {
        accepts: ['choice', 'text'],
        ask: async (c) => {
          const task = await findTask(deps.db, c.state.task);
          const measured = task ? measuredMinutes(task, c.now) : 0;
          return {
            text: c.t('help.ask_hours', { measured: formatMinutes(measured, c.locale) }),
            choices: [{ label: c.t('help.hours_ok'), value: 'ok' }],
            columns: 1,
          };
        },
        answer: async (input, c) => {
          if (input.kind === 'choice') {
            if (!chosen(input, ['ok'])) return { retry: c.t('common.pick_a_button') };
            return finish(c);
          }
          const minutes = hoursAnswer(input.kind === 'text' ? input.text : '');
          if (minutes === undefined) return { retry: c.t('help.hours_invalid', { max: MAX_HOURS }) };
          return finish(c, minutes);
        },
      },
    },
  });
}
