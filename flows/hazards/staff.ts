import { choiceStep, defineFlow, type FlowContext, type Outcome, requiredTextStep, type Step } from '../../src/bot/flow';
import { DAY } from '../../src/clock';
import type { CoreDeps } from '../../src/deps';
import { findHandUp } from '../../src/domain/handups';
import { HAND_UP_TARGETS, MAX_NOTE, publicId } from '../../src/domain/hazards';
import type { Action } from '../../src/domain/hazard-status';
import { moveReport } from '../../src/features/hazards/services';
import { formatTime, handUpAnswerKeyboard, refusalText } from '../../src/features/hazards/views/card';
import { localTimeAnswer, timeExample } from '../steps';
import type { ReportArgs } from './steps';

/**
 * The staff moves that need words: "Fixed" (a note, then an optional photo) and "Hand upward"
 * (to whom, their reference, then when their answer is expected: the default of
 * settings.handUpAnswerDays, or a date typed as event times are). Pressed in the group, they
 * continue in the private chat.
 */
interface FixState {
  id: number;
  note?: string;
}
interface HandUpState {
  id: number;
  to?: string;
  ref?: string;
}

const MAX_REF = 100;
/**
 * How far ahead a typed expected date may be. A hand-up is only chased once its date passes, so a
 * slip of the year (2099 for 2029) would leave it unreminded for good; no outside body's answer
 * is awaited longer than a year.
 */
export const MAX_HAND_UP_DAYS = 365;

async function finishMove<S extends { id: number }>(
  deps: CoreDeps,
  c: FlowContext<S>,
  action: Action,
  details: Parameters<typeof moveReport>[4],
): Promise<Outcome> {
  const result = await moveReport(deps, c.state.id, action, { id: c.userId, role: c.role, communityId: c.user.community_id }, details);
  if (!result.ok) return { finish: { text: refusalText(c.t, result) } };
  const done = c.t(`hazards.done_${action}`, { id: publicId(c.state.id) });
  if (action !== 'hand_up') return { finish: { text: done } };
  // Handed up: when the answer is expected, and the buttons to record it when it comes.
  const due = (await findHandUp(deps.db, c.state.id))?.expected_at ?? c.now;
  const text = `${done}\n${c.t('grid.handup_expected', { at: formatTime(due, deps.config.timezone) })}`;
  return { finish: { text, keyboard: handUpAnswerKeyboard(c.state.id, c.t) } };
}

export function fixFlow(deps: CoreDeps) {
  return defineFlow<FixState, ReportArgs>({
    id: 'rfx',
    first: 'note',
    initial: (_c, args) => ({ id: args.reportId }),
    steps: {
      note: requiredTextStep({
        ask: (c) => ({ text: c.t('hazards.ask_fix_note', { id: publicId(c.state.id) }) }),
        max: MAX_NOTE,
        then: (note, c) => {
          c.state.note = note;
          return { next: 'photo' };
        },
      }),
      photo: {
        accepts: ['photo', 'skip'],
        ask: (c) => ({ text: c.t('hazards.ask_fix_photo'), skippable: true }),
        answer: (input, c) =>
          finishMove(deps, c, 'fix', { note: c.state.note, fixPhoto: input.kind === 'photo' ? input.fileId : undefined }),
      },
    },
  });
}

export function handUpFlow(deps: CoreDeps) {
  return defineFlow<HandUpState, ReportArgs>({
    id: 'rup',
    first: 'to',
    initial: (_c, args) => ({ id: args.reportId }),
    steps: {
      to: choiceStep({
        ask: (c) => ({
          text: c.t('hazards.ask_hand_to', { id: publicId(c.state.id) }),
          choices: HAND_UP_TARGETS.map((x) => ({ label: c.t(`hazards.handed_${x}`), value: x })),
          columns: 1,
        }),
        then: (to, c) => {
          c.state.to = to;
          return { next: 'ref' };
        },
      }),
      ref: requiredTextStep({
        ask: (c) => ({ text: c.t('hazards.ask_hand_ref') }),
        max: MAX_REF,
        then: (ref, c) => {
          c.state.ref = ref;
          return { next: 'due' };
        },
      }),
      due: handUpDueStep(deps),
    },
  });
}

/** When the outside body's answer is expected: the default date's button, or a date and time typed. */
function handUpDueStep(deps: CoreDeps): Step<HandUpState> {
  const tz = deps.config.timezone;
  const days = deps.communities.settings.handUpAnswerDays;
  const hand = (c: FlowContext<HandUpState>, dueAt: number | undefined) => {
    const { to, ref } = c.state;
    return finishMove(deps, c, 'hand_up', { note: `${to}: ${ref}`, handedTo: to, handedRef: ref, handUpDueAt: dueAt });
  };
  return {
    accepts: ['choice', 'text'],
    ask: (c) => ({
      text: c.t('grid.ask_handup_due', { example: timeExample(c.now + days * DAY, c.locale, tz) }),
      choices: [{ label: c.t('grid.handup_due_default', { days, at: formatTime(c.now + days * DAY, tz) }), value: 'default' }],
      columns: 1,
    }),
    answer: (input, c) => {
      if (input.kind === 'choice') return input.value === 'default' ? hand(c, undefined) : { retry: c.t('common.pick_a_button') };
      return localTimeAnswer(tz, input, c, c.now + days * DAY, (at) => {
        if (at <= c.now) return { retry: c.t('notices.time_in_past') };
        if (at > c.now + MAX_HAND_UP_DAYS * DAY) return { retry: c.t('grid.handup_due_too_far', { days: MAX_HAND_UP_DAYS }) };
        return hand(c, at);
      });
    },
  };
}
