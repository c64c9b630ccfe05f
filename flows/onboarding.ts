import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, textAnswer } from '../src/bot/flow';
import { escapeHtml } from '../src/i18n';

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

export function onboardingFlow(deps: CoreDeps) {
  const { communities } = deps;
  return defineFlow<State>({
    id: 'onb',
    first: (s) => (s.building ? 'unit' : s.community ? 'building' : 'community'),
    initial: (_c, args) => {
      const c = args.community && communities.community(args.community) ? args.community : undefined;
      const b = c && args.building && communities.building(c, args.building) ? args.building : undefined;
      return { community: c, building: b };
    },
    steps: {
      community: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('onboarding.ask_community'),
          choices: communities.all.map((x) => ({ label: localName(x.name, c.locale), value: x.id })),
          columns: 1,
        }),
        answer: (input, c) => {
          const id = chosen(
            input,
            communities.all.map((x) => x.id),
          );
          if (!id) return { retry: c.t('common.pick_a_button') };
          c.state.community = id;
          return { next: 'building' };
        },
      },
      building: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('onboarding.ask_building', { community: localName(communities.community(c.state.community!)!.name, c.locale) }),
          choices: communities.community(c.state.community!)!.buildings.map((b) => ({ label: localName(b.name, c.locale), value: b.id })),
        }),
        answer: (input, c) => {
          const id = chosen(
            input,
            communities.community(c.state.community!)!.buildings.map((b) => b.id),
          );
          if (!id) return { retry: c.t('common.pick_a_button') };
          c.state.building = id;
          return { next: 'unit' };
        },
      },
      unit: {
        accepts: ['text', 'skip'],
        ask: (c) => ({
          text: c.t('onboarding.ask_unit', {
            building: localName(communities.building(c.state.community!, c.state.building!)!.name, c.locale),
          }),
          skippable: true,
        }),
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
      },
      privacy: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('onboarding.privacy_notice'),
          choices: [
            { label: c.t('onboarding.privacy_accept'), value: 'yes' },
            { label: c.t('onboarding.privacy_decline'), value: 'no' },
          ],
          columns: 1,
        }),
        answer: async (input, c) => {
          const answer = chosen(input, ['yes', 'no']);
          if (!answer) return { retry: c.t('common.pick_a_button') };
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
      },
    },
  });
}
