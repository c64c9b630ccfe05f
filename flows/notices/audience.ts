import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { choiceStep, chosen, type FlowContext, type Prompt, type Step } from '../../src/bot/flow';
import type { Recipient } from '../../src/domain/notices';
import { AUDIENCE_KINDS, isTopic, TOPICS } from '../../src/domain/notices';
import { canStaff } from '../../src/domain/roles';
import { escapeHtml } from '../../src/i18n';
import type { Audience } from '../../src/store/schema/delivery';
import { buildingChoices } from '../steps';

/**
 * The steps /announce and /event share: which community (admins only), and who hears it —
 * the whole community, chosen buildings, all volunteers, one team, or a topic's subscribers —
 * and the preview with the number of recipients that ends in Send; and their text questions.
 */

export interface AudienceState {
  community?: string;
  audience?: Audience;
  /** Buildings ticked so far on the buildings step. */
  picked?: string[];
}

const DONE = 'done';

/** The community staff act for: their own; admins choose (or have only one). */
export function communityOf(deps: CoreDeps, c: FlowContext<AudienceState>): string | undefined {
  if (c.state.community) return c.state.community;
  if (c.role !== 'admin') return c.user.community_id ?? undefined;
  return deps.communities.all.length === 1 ? deps.communities.all[0].id : undefined;
}

/** After the last question of a flow: the audience, unless the community must be chosen first. */
export const audienceNext = (deps: CoreDeps, c: FlowContext<AudienceState>) => (communityOf(deps, c) ? 'audience' : 'community');

/** May this person still send to that community? Checked again when they confirm. */
export function maySend(deps: CoreDeps, c: FlowContext<AudienceState>): boolean {
  const community = communityOf(deps, c);
  return Boolean(community && deps.communities.community(community) && canStaff(c.role, c.user, community));
}

export function audienceSteps<S extends AudienceState>(deps: CoreDeps, opts: { after: string; topics: boolean }): Record<string, Step<S>> {
  const { communities } = deps;
  const community = (c: FlowContext<S>) => communities.community(communityOf(deps, c as FlowContext<AudienceState>) ?? '')!;
  const set = (c: FlowContext<S>, audience: Audience) => {
    c.state.audience = audience;
    return { next: opts.after };
  };
  const kinds = AUDIENCE_KINDS.filter((k) => opts.topics || k !== 'topic');
  const oneColumn = (text: string, choices: Prompt['choices']): Prompt => ({ text, choices, columns: 1 });

  return {
    community: choiceStep<S>({
      ask: (c) =>
        oneColumn(
          c.t('notices.ask_community'),
          communities.all.map((x) => ({ label: localName(x.name, c.locale), value: x.id })),
        ),
      then: (id, c) => {
        c.state.community = id;
        return { next: 'audience' };
      },
    }),
    audience: choiceStep<S>({
      ask: (c) =>
        oneColumn(
          c.t('notices.ask_audience'),
          kinds.map((k) => ({ label: c.t(`notices.audience_${k}`), value: k })),
        ),
      then: (kind, c) => {
        if (kind === 'community') return set(c, { kind: 'community' });
        if (kind === 'volunteers') return set(c, { kind: 'volunteers' });
        if (kind === 'units') return set(c, { kind: 'units' });
        if (kind === 'buildings') {
          c.state.picked = [];
          return { next: 'buildings' };
        }
        if (kind === 'team' && community(c).teams.length === 0) return { retry: c.t('notices.no_teams') };
        return { next: kind };
      },
    }),
    buildings: choiceStep<S>({
      ask: (c) => {
        const picked = c.state.picked ?? [];
        const choices = buildingChoices(communities, community(c).id, c.locale).map((b) => ({
          label: `${picked.includes(b.value) ? '☑️' : '⬜'} ${b.label}`,
          value: b.value,
        }));
        if (picked.length > 0) choices.push({ label: c.t('notices.buildings_done', { count: picked.length }), value: DONE });
        return oneColumn(c.t('notices.ask_buildings'), choices);
      },
      then: (value, c) => {
        const picked = c.state.picked ?? [];
        if (value === DONE)
          return picked.length > 0 ? set(c, { kind: 'buildings', buildings: picked }) : { retry: c.t('notices.pick_a_building') };
        c.state.picked = picked.includes(value) ? picked.filter((b) => b !== value) : [...picked, value];
        return { next: 'buildings' };
      },
    }),
    team: choiceStep<S>({
      ask: (c) =>
        oneColumn(
          c.t('notices.ask_team'),
          community(c).teams.map((t) => ({ label: localName(t.name, c.locale), value: t.id })),
        ),
      then: (team, c) => set(c, { kind: 'team', team }),
    }),
    topic: choiceStep<S>({
      ask: (c) =>
        oneColumn(
          c.t('notices.ask_topic'),
          TOPICS.map((t) => ({ label: c.t(`notices.topic_${t}`), value: t })),
        ),
      then: (topic, c) => (isTopic(topic) ? set(c, { kind: 'topic', topic }) : { retry: c.t('common.pick_a_button') }),
    }),
  };
}

/** "Building 1, Building 2" / "Night patrol" / "Subscribers of Events": for the preview. */
export function describeAudience(deps: CoreDeps, c: FlowContext<AudienceState>, audience: Audience): string {
  const community = deps.communities.community(communityOf(deps, c) ?? '')!;
  switch (audience.kind) {
    case 'community':
      return localName(community.name, c.locale);
    case 'buildings':
      return audience.buildings.map((id) => localName(community.buildings.find((b) => b.id === id)!.name, c.locale)).join(', ');
    case 'volunteers':
      return c.t('notices.audience_volunteers');
    case 'units':
      return c.t('notices.audience_units');
    case 'team':
      return localName(community.teams.find((t) => t.id === audience.team)!.name, c.locale);
    case 'topic':
      return c.t('notices.subscribers_of', { topic: c.t(`notices.topic_${audience.topic}`) });
  }
}

/** The last step of /announce and /event: the message exactly as residents will see it, how many get it, Send. */
export function confirmStep<S extends AudienceState>(
  deps: CoreDeps,
  spec: {
    preview: (c: FlowContext<S>) => { text: string; photo?: string };
    recipients: (c: FlowContext<S>) => Promise<{ recipients: Recipient[]; unreachable: number }>;
    /** Also say how many of the audience the bot cannot reach. */
    showUnreachable: boolean;
    send: (c: FlowContext<S>, recipients: Recipient[]) => Promise<void>;
  },
): Step<S> {
  return {
    accepts: ['choice'],
    ask: async (c) => {
      const { recipients, unreachable } = await spec.recipients(c);
      const preview = spec.preview(c);
      const summary = c.t('notices.preview_summary', {
        count: recipients.length,
        audience: escapeHtml(describeAudience(deps, c, c.state.audience!)),
      });
      const extra = spec.showUnreachable && unreachable > 0 ? `\n${c.t('notices.preview_unreachable', { count: unreachable })}` : '';
      return {
        text: `${preview.text}\n\n————————\n${summary}${extra}`,
        photo: preview.photo,
        exact: true,
        choices: recipients.length > 0 ? [{ label: c.t('notices.send_button', { count: recipients.length }), value: 'send' }] : [],
        columns: 1,
      };
    },
    // Not a choiceStep: when the audience emptied since the preview, the answer is "nobody", not "pick a button".
    answer: async (input, c) => {
      if (!chosen(input, ['send'])) return { retry: c.t('common.pick_a_button') };
      if (!maySend(deps, c)) return { finish: { text: c.t('common.not_allowed'), menu: true } };
      const { recipients } = await spec.recipients(c);
      if (recipients.length === 0) return { retry: c.t('notices.nobody') };
      await spec.send(c, recipients);
      return { finish: { text: c.t('notices.sending', { count: recipients.length }), menu: true } };
    },
  };
}
