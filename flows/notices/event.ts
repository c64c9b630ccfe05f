import { DAY } from '../../src/clock';
import type { CoreDeps } from '../../src/deps';
import { defineFlow, type FlowContext, type Input, type Outcome, type Step, requiredTextStep } from '../../src/bot/flow';
import { localTimeAnswer, timeExample } from '../steps';
import { recipientsOf } from '../../src/features/notices/services/broadcasts';
import { inviteToEvent } from '../../src/features/notices/services/events';
import { renderEvent, type EventView } from '../../src/features/notices/views/events';
import { audienceNext, audienceSteps, communityOf, confirmStep, type AudienceState } from './audience';

/**
 * /event (staff): title, description, time, place, capacity, RSVP deadline, audience → a
 * preview of the invitation with the number of recipients → send. The invitation carries
 * Going / Can't go buttons (handled in src/features/notices/handlers/events.ts).
 */

interface State extends AudienceState {
  title?: string;
  description?: string;
  startsAt?: number;
  place?: string;
  capacity?: number | null;
  deadline?: number;
}

export function eventFlow(deps: CoreDeps) {
  const tz = deps.config.timezone;
  const communityId = (c: FlowContext<State>) => communityOf(deps, c)!;
  const view = (c: FlowContext<State>): EventView => ({
    title: c.state.title!,
    description: c.state.description!,
    place: c.state.place!,
    starts_at: c.state.startsAt!,
    capacity: c.state.capacity ?? null,
    rsvp_deadline: c.state.deadline ?? c.state.startsAt!,
  });
  const text = (name: 'title' | 'description' | 'place', max: number, next: string) =>
    requiredTextStep<State>({
      ask: (c) => ({ text: c.t(`notices.ask_event_${name}`) }),
      min: 2,
      max,
      then: (answer, c) => {
        c.state[name] = answer;
        return { next };
      },
    });
  const { when, capacity, deadline } = timeAndCapacitySteps(deps);
  const confirm = confirmStep<State>(deps, {
    preview: (c) => ({ text: renderEvent(c.t, c.locale, tz, view(c)) }),
    recipients: (c) => recipientsOf(deps, communityId(c), c.state.audience!, 'events'),
    // As for a notice: staff see how many of the audience blocked the bot before sending.
    showUnreachable: true,
    send: (c, recipients) =>
      inviteToEvent(deps, c.now, {
        communityId: communityId(c),
        createdBy: c.userId,
        audience: c.state.audience!,
        event: view(c),
        recipients,
        updateId: c.updateId,
      }),
  });

  return defineFlow<State>({
    id: 'evt',
    first: 'title',
    initial: () => ({}),
    steps: {
      title: text('title', 100, 'description'),
      description: text('description', 1500, 'when'),
      when,
      place: text('place', 200, 'capacity'),
      capacity,
      deadline,
      ...audienceSteps<State>(deps, { after: 'confirm', topics: false }),
      confirm,
    },
  });
}

/** When, how many places, until when people may answer. */
function timeAndCapacitySteps(deps: CoreDeps): Record<'when' | 'capacity' | 'deadline', Step<State>> {
  const tz = deps.config.timezone;
  const timeAnswer = (input: Input, c: FlowContext<State>, exampleAt: number, then: (at: number) => Outcome): Outcome =>
    localTimeAnswer(tz, input, c, exampleAt, then);

  const when: Step<State> = {
    accepts: ['text'],
    ask: (c) => ({ text: c.t('notices.ask_event_when', { example: timeExample(c.now + 7 * DAY, c.locale, tz) }) }),
    answer: (input, c) =>
      timeAnswer(input, c, c.now + 7 * DAY, (at) => {
        if (at <= c.now) return { retry: c.t('notices.time_in_past') };
        c.state.startsAt = at;
        return { next: 'place' };
      }),
  };
  const capacity: Step<State> = {
    accepts: ['text', 'skip'],
    ask: (c) => ({ text: c.t('notices.ask_event_capacity'), skippable: true }),
    answer: (input, c) => {
      if (input.kind === 'skip') {
        c.state.capacity = null;
        return { next: 'deadline' };
      }
      const n = input.kind === 'text' && /^\s*\d{1,5}\s*$/.test(input.text) ? Number(input.text) : NaN;
      if (!(n >= 1 && n <= 10_000)) return { retry: c.t('notices.bad_capacity') };
      c.state.capacity = n;
      return { next: 'deadline' };
    },
  };
  const deadline: Step<State> = {
    accepts: ['text', 'skip'],
    ask: (c) => ({
      text: c.t('notices.ask_event_deadline', { example: timeExample(c.state.startsAt! - DAY, c.locale, tz) }),
      skippable: true,
    }),
    answer: (input, c) => {
      if (input.kind === 'skip') {
        c.state.deadline = c.state.startsAt;
        return { next: audienceNext(deps, c) };
      }
      return timeAnswer(input, c, c.state.startsAt! - DAY, (at) => {
        if (at <= c.now || at > c.state.startsAt!) return { retry: c.t('notices.bad_deadline') };
        c.state.deadline = at;
        return { next: audienceNext(deps, c) };
      });
    },
  };
  return { when, capacity, deadline };
}
