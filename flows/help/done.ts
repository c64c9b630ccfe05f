import { chosen, defineFlow, textStep, type FlowContext } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { findTask, measuredMinutes } from '../../src/domain/help';
import type { HelpServices } from '../../src/features/help/services';
import { duration } from '../../src/phrases';

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

export function doneFlow(deps: CoreDeps, s: HelpServices) {
  const finish = async (c: FlowContext<State>, correctedMinutes?: number) => {
    const done = await s.completion.complete(c.now, {
      taskId: c.state.task,
      volunteerId: c.userId,
      note: c.state.note!,
      photo: c.state.photo,
      correctedMinutes,
    });
    if (!done) return { finish: { text: c.t('help.task_not_yours'), menu: true } };
    return { finish: { text: c.t(done.waiting ? 'help.done_thanks_pending' : 'help.done_thanks'), menu: true } };
  };

  return defineFlow<State, { taskId: number }>({
    id: 'hdone',
    first: 'note',
    initial: (_c, args) => ({ task: args.taskId }),
    steps: {
      note: textStep({
        ask: (c) => ({ text: c.t('help.ask_done_note', { id: c.state.task }) }),
        max: 500,
        then: (note, c) => {
          c.state.note = note;
          return { next: 'photo' };
        },
      }),
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
            text: c.t('help.ask_hours', { measured: duration(c.t, measured) }),
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
