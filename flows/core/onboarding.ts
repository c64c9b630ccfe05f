import { localName, type Communities } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { choiceStep, defineFlow, textAnswer, type Step } from '../../src/bot/flow';
import { escapeHtml } from '../../src/i18n';
import { buildingChoices, communityChoices } from '../steps';

/**
 * First contact: community → building → unit (optional) → privacy notice → main menu.
 * The language was chosen (or guessed) before this flow starts; a stairwell QR code's deep
 * link arrives with community and building already known and skips straight to the unit.
 */
interface State {
  community?: string;
  building?: string;
  unit?: string;
}

/** What a deep link already told: checked again here, an unknown id is simply asked for. */
export interface OnboardingArgs {
  community?: string;
  building?: string;
}

export function onboardingFlow(deps: CoreDeps) {
  const { communities } = deps;
  return defineFlow<State, OnboardingArgs>({
    id: 'onb',
    first: (s) => (s.building ? 'unit' : s.community ? 'building' : 'community'),
    initial: (_c, args) => {
      const c = args.community && communities.community(args.community) ? args.community : undefined;
      const b = c && args.building && communities.building(c, args.building) ? args.building : undefined;
      return { community: c, building: b };
    },
    steps: {
      community: choiceStep({
        ask: (c) => ({
          text: c.t('onboarding.ask_community'),
          choices: communityChoices(communities, c.locale),
          columns: 1,
        }),
        then: (id, c) => {
          c.state.community = id;
          return { next: 'building' };
        },
      }),
      building: choiceStep({
        ask: (c) => ({
          text: c.t('onboarding.ask_building', { community: localName(communities.community(c.state.community!)!.name, c.locale) }),
          choices: buildingChoices(communities, c.state.community!, c.locale),
        }),
        then: (id, c) => {
          c.state.building = id;
          return { next: 'unit' };
        },
      }),
      unit: unitStep(communities),
      privacy: privacyStep(deps),
    },
  });
}

/** The unit (optional): the building is known by now. */
function unitStep(communities: Communities): Step<State> {
  return {
    accepts: ['text', 'skip'],
    ask: (c) => ({
      text: c.t('onboarding.ask_unit', {
        building: localName(communities.building(c.state.community!, c.state.building!)!.name, c.locale),
      }),
      skippable: true,
    }),
    // Not textStep: a unit that does not fit gets its own explanation (at most 32 characters), not the generic one.
    answer: (input, c) => {
      if (input.kind === 'skip') {
        c.state.unit = undefined;
        return { next: 'privacy' };
      }
      const a = textAnswer(input, { max: 32 });
      if (!a.ok) return { retry: c.t('onboarding.unit_invalid') };
      c.state.unit = a.text;
      return { next: 'privacy' };
    },
  };
}

/** The privacy notice: accepting stores the address and completes onboarding; declining stores nothing. */
function privacyStep(deps: CoreDeps): Step<State> {
  const { communities } = deps;
  return choiceStep({
    ask: (c) => ({
      text: c.t('onboarding.privacy_notice'),
      choices: [
        { label: c.t('onboarding.privacy_accept'), value: 'yes' },
        { label: c.t('onboarding.privacy_decline'), value: 'no' },
      ],
      columns: 1,
    }),
    then: async (answer, c) => {
      if (answer === 'no') return { finish: { text: c.t('onboarding.privacy_declined') } };
      const { community, building, unit } = c.state;
      await deps.users.update(
        c.userId,
        { community_id: community!, building_id: building!, unit: unit ?? null, privacy_accepted_at: c.now, locale: c.locale },
        c.now,
      );
      c.user = { ...c.user, community_id: community!, building_id: building!, privacy_accepted_at: c.now };
      const place = `${localName(communities.community(community!)!.name, c.locale)} · ${localName(communities.building(community!, building!)!.name, c.locale)}`;
      return { finish: { text: c.t('onboarding.done', { place: escapeHtml(place + (unit ? ` · ${unit}` : '')) }), menu: true } };
    },
  });
}
