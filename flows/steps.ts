import type { Choice, FlowContext, Outcome, Step } from '../src/bot/flow';
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
