import type { Choice, FlowContext, Input, Outcome, Step } from '../src/bot/flow';
import { formatLocalTime, parseLocalTime } from '../src/domain/events';
import { wallClock, zonedEpoch } from '../src/zoned-time';
import { localName, type Communities } from '../src/community/config';
import type { VoiceNote } from '../src/domain/voice';
import type { Locale } from '../src/i18n';

/** Step pieces that several capabilities' flows share. */

/** One button per building of a community, in the reader's language: the building step of onboarding, reports and requests. */
export function buildingChoices(communities: Communities, communityId: string, locale: Locale): Choice[] {
  return (communities.community(communityId)?.buildings ?? []).map((b) => ({ label: localName(b.name, locale), value: b.id }));
}

/** One button per community of the street office, in the reader's language. */
export function communityChoices(communities: Communities, locale: Locale): Choice[] {
  return communities.all.map((x) => ({ label: localName(x.name, locale), value: x.id }));
}

/** A step that also takes a voice message (older residents often speak rather than type): `then` gets the voice. */
export function orVoice<S>(step: Step<S>, then: (voice: VoiceNote, c: FlowContext<S>) => Outcome | Promise<Outcome>): Step<S> {
  return {
    accepts: [...step.accepts, 'voice'],
    ask: step.ask,
    answer: (input, c) => (input.kind === 'voice' ? then({ fileId: input.fileId, seconds: input.seconds }, c) : step.answer(input, c)),
  };
}

/** 14:30 on the day of `at`, written as messages show times (and as parseLocalTime reads them back). */
export function timeExample(at: number, locale: Locale, timeZone: string): string {
  const { year, month, day } = wallClock(at, timeZone);
  return formatLocalTime(zonedEpoch({ year, month, day, hour: 14, minute: 30 }, timeZone), locale, timeZone);
}

/**
 * A local date and time typed by staff, or the polite retry with an example near `exampleAt`.
 * `then` may finish asynchronously (a step that saves); a synchronous one keeps a plain Outcome.
 */
export function localTimeAnswer<S, R extends Outcome | Promise<Outcome>>(
  timeZone: string,
  input: Input,
  c: FlowContext<S>,
  exampleAt: number,
  then: (at: number) => R,
): Outcome | R {
  const at = input.kind === 'text' ? parseLocalTime(input.text, timeZone, c.now) : undefined;
  return at === undefined ? { retry: c.t('notices.bad_time', { example: timeExample(exampleAt, c.locale, timeZone) }) } : then(at);
}
