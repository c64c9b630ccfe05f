import { choiceStep, defineFlow, type FlowContext, type Outcome, requiredTextStep } from '../../src/bot/flow';
import type { CoreDeps } from '../../src/deps';
import { HAND_UP_TARGETS, MAX_NOTE, publicId, type TransitionDetails } from '../../src/domain/hazards';
import type { Action } from '../../src/domain/hazard-status';
import { moveReport } from '../../src/features/hazards/services';
import { refusalText } from '../../src/features/hazards/views/card';
import type { ReportArgs } from './steps';

/**
 * The staff moves that need words: "Fixed" (a note, then an optional photo) and "Hand upward"
 * (to whom, then their reference). Pressed in the group, they continue in the private chat.
 */
interface FixState {
  id: number;
  note?: string;
}
interface HandUpState {
  id: number;
  to?: string;
}

const MAX_REF = 100;

async function finishMove<S extends { id: number }>(
  deps: CoreDeps,
  c: FlowContext<S>,
  action: Action,
  details: TransitionDetails & { fixPhoto?: string },
): Promise<Outcome> {
  const result = await moveReport(deps, c.state.id, action, { id: c.userId, role: c.role, communityId: c.user.community_id }, details);
  if (!result.ok) return { finish: { text: refusalText(c.t, result) } };
  return { finish: { text: c.t(`hazards.done_${action}`, { id: publicId(c.state.id) }) } };
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
        then: (ref, c) => finishMove(deps, c, 'hand_up', { note: `${c.state.to}: ${ref}`, handedTo: c.state.to, handedRef: ref }),
      }),
    },
  });
}
