import { DAY, HOUR } from '../../src/clock';
import type { CoreDeps } from '../../src/deps';
import { choiceStep, defineFlow, requiredTextStep, textAnswer, type FlowContext, type Step } from '../../src/bot/flow';
import { MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTION, MIN_OPTIONS } from '../../src/domain/polls';
import { recipientsOf } from '../../src/features/notices/services/broadcasts';
import { pollLook, POLL_TOPIC, sendPoll } from '../../src/features/polls/services/polls';
import { renderPoll, type PollView } from '../../src/features/polls/views/poll';
import { localTimeAnswer, timeExample } from '../steps';
import { audienceNext, audienceSteps, communityOf, confirmStep, type AudienceState } from '../notices/audience';

/**
 * /poll (staff): question → options (one a line, 2–10) → single or multiple → named or
 * anonymous → per person or per household → results after voting or only at closing →
 * closing time → a selection round or not (top K go on) → audience → preview with the number
 * of recipients → send. The next round of a selection starts at the closing time with the
 * previous round's settings and its top options (its creator's button after closing).
 */

export interface PollState extends AudienceState {
  question?: string;
  options?: string[];
  multiple?: boolean;
  anonymous?: boolean;
  perHousehold?: boolean;
  resultsAfterVote?: boolean;
  closesAt?: number;
  keepTop?: number;
  round?: number;
  previousId?: number;
}

/** What a flag step asks: two buttons, each setting the flag one way. */
function flagStep(
  ask: string,
  no: string,
  yes: string,
  set: (c: FlowContext<PollState>, on: boolean) => void,
  next: string,
): Step<PollState> {
  return choiceStep<PollState>({
    ask: (c) => ({
      text: c.t(ask),
      choices: [
        { label: c.t(no), value: 'no' },
        { label: c.t(yes), value: 'yes' },
      ],
      columns: 1,
    }),
    then: (value, c) => {
      set(c, value === 'yes');
      return { next };
    },
  });
}

/** The options, one a line; numbering or bullets that people type are taken off. */
function parseOptions(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*(\d{1,2}[.)、．]|[-•·*])\s*/, '').trim())
    .filter((line) => line.length > 0);
}

const optionsStep: Step<PollState> = {
  accepts: ['text'],
  ask: (c) => ({ text: c.t('polls.ask_options', { min: MIN_OPTIONS, max: MAX_OPTIONS }) }),
  answer: (input, c) => {
    const a = textAnswer(input, { max: 4000 });
    const options = a.ok ? parseOptions(a.text) : [];
    if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS)
      return { retry: c.t('polls.bad_option_count', { min: MIN_OPTIONS, max: MAX_OPTIONS, count: options.length }) };
    if (options.some((o) => [...o].length > MAX_OPTION_LENGTH)) return { retry: c.t('polls.option_too_long', { max: MAX_OPTION_LENGTH }) };
    if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) return { retry: c.t('polls.option_twice') };
    c.state.options = options;
    return { next: 'multiple' };
  },
};

export function pollFlow(deps: CoreDeps) {
  const tz = deps.config.timezone;
  const communityId = (c: FlowContext<PollState>) => communityOf(deps, c)!;
  const view = (c: FlowContext<PollState>): PollView => ({
    id: 0,
    question: c.state.question!,
    options: c.state.options!,
    multiple: Boolean(c.state.multiple),
    anonymous: Boolean(c.state.anonymous),
    perHousehold: Boolean(c.state.perHousehold),
    resultsAfterVote: Boolean(c.state.resultsAfterVote),
    closesAt: c.state.closesAt!,
    round: c.state.round ?? 1,
  });

  const closes: Step<PollState> = {
    accepts: ['text'],
    ask: (c) => ({ text: c.t('polls.ask_closes', { example: timeExample(c.now + 7 * DAY, c.locale, tz) }) }),
    answer: (input, c) =>
      localTimeAnswer(tz, input, c, c.now + 7 * DAY, (at) => {
        // At least an hour to vote: the poll still has to reach everyone at Telegram's pace.
        if (at < c.now + HOUR) return { retry: c.t('polls.closes_too_soon') };
        c.state.closesAt = at;
        return { next: 'rounds' };
      }),
  };

  const rounds = choiceStep<PollState>({
    ask: (c) => {
      const most = Math.min(5, c.state.options!.length - 1);
      const choices = [{ label: c.t('polls.rounds_none'), value: '0' }];
      for (let k = 2; k <= most; k++) choices.push({ label: c.t('polls.rounds_top', { count: k }), value: String(k) });
      return { text: c.t('polls.ask_rounds', { round: c.state.round ?? 1 }), choices, columns: 1 };
    },
    then: (value, c) => {
      const k = Number(value);
      if (k > 0) c.state.keepTop = k;
      else delete c.state.keepTop;
      return { next: audienceNext(deps, c) };
    },
  });

  const confirm = confirmStep<PollState>(deps, {
    preview: (c) => ({ text: renderPoll(pollLook(deps, communityId(c), c.locale), view(c)) }),
    recipients: (c) => recipientsOf(deps, communityId(c), c.state.audience!, POLL_TOPIC),
    showUnreachable: true,
    send: async (c, recipients) => {
      const v = view(c);
      await sendPoll(
        deps,
        c.now,
        {
          ...v,
          communityId: communityId(c),
          audience: c.state.audience!,
          createdBy: c.userId,
          previousId: c.state.previousId,
          keepTop: c.state.keepTop,
        },
        recipients,
        c.updateId,
      );
    },
  });

  return defineFlow<PollState, PollState>({
    id: 'poll',
    // A next round arrives with its question, options and rules: only the closing time and what follows are asked.
    first: (s) => (s.options ? 'closes' : 'question'),
    initial: (_c, args) => ({ ...args }),
    steps: {
      question: requiredTextStep<PollState>({
        ask: (c) => ({ text: c.t('polls.ask_question', { max: MAX_QUESTION }) }),
        min: 3,
        max: MAX_QUESTION,
        then: (text, c) => {
          c.state.question = text;
          return { next: 'options' };
        },
      }),
      options: optionsStep,
      multiple: flagStep('polls.ask_multiple', 'polls.single', 'polls.multiple', (c, on) => (c.state.multiple = on), 'anonymous'),
      anonymous: flagStep('polls.ask_anonymous', 'polls.named', 'polls.anonymous', (c, on) => (c.state.anonymous = on), 'household'),
      household: flagStep(
        'polls.ask_household',
        'polls.per_person',
        'polls.per_household',
        (c, on) => (c.state.perHousehold = on),
        'results',
      ),
      results: flagStep(
        'polls.ask_results',
        'polls.results_at_close',
        'polls.results_after_vote',
        (c, on) => (c.state.resultsAfterVote = on),
        'closes',
      ),
      closes,
      rounds,
      ...audienceSteps<PollState>(deps, { after: 'confirm', topics: true }),
      confirm,
    },
  });
}
