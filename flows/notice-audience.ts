import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, type FlowContext, type Step } from '../src/bot/flow';
import { canStaff } from '../src/domain/roles';
import { AUDIENCE_KINDS, isTopic, TOPICS } from '../src/domain/notices';
import type { Audience } from '../src/store/schema/delivery';

/**
 * The steps /announce and /event share: which community (admins only), and who hears it —
 * the whole community, chosen buildings, all volunteers, one team, or a topic's subscribers.
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

  return {
    community: {
      accepts: ['choice'],
      ask: (c) => ({
        text: c.t('notices.ask_community'),
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
        return { next: 'audience' };
      },
    },
    audience: {
      accepts: ['choice'],
      ask: (c) => ({
        text: c.t('notices.ask_audience'),
        choices: kinds.map((k) => ({ label: c.t(`notices.audience_${k}`), value: k })),
        columns: 1,
      }),
      answer: (input, c) => {
        const kind = chosen(input, kinds);
        if (!kind) return { retry: c.t('common.pick_a_button') };
        if (kind === 'community') return set(c, { kind: 'community' });
        if (kind === 'volunteers') return set(c, { kind: 'volunteers' });
        if (kind === 'buildings') {
          c.state.picked = [];
          return { next: 'buildings' };
        }
        if (kind === 'team' && community(c).teams.length === 0) return { retry: c.t('notices.no_teams') };
        return { next: kind };
      },
    },
    buildings: {
      accepts: ['choice'],
      ask: (c) => {
        const picked = c.state.picked ?? [];
        const choices = community(c).buildings.map((b) => ({
          label: `${picked.includes(b.id) ? '☑️' : '⬜'} ${localName(b.name, c.locale)}`,
          value: b.id,
        }));
        if (picked.length > 0) choices.push({ label: c.t('notices.buildings_done', { count: picked.length }), value: DONE });
        return { text: c.t('notices.ask_buildings'), choices, columns: 1 };
      },
      answer: (input, c) => {
        const ids = community(c).buildings.map((b) => b.id);
        const value = chosen(input, [...ids, DONE]);
        if (!value) return { retry: c.t('common.pick_a_button') };
        const picked = c.state.picked ?? [];
        if (value === DONE)
          return picked.length > 0 ? set(c, { kind: 'buildings', buildings: picked }) : { retry: c.t('notices.pick_a_building') };
        c.state.picked = picked.includes(value) ? picked.filter((b) => b !== value) : [...picked, value];
        return { next: 'buildings' };
      },
    },
    team: {
      accepts: ['choice'],
      ask: (c) => ({
        text: c.t('notices.ask_team'),
        choices: community(c).teams.map((t) => ({ label: localName(t.name, c.locale), value: t.id })),
        columns: 1,
      }),
      answer: (input, c) => {
        const team = chosen(
          input,
          community(c).teams.map((t) => t.id),
        );
        if (!team) return { retry: c.t('common.pick_a_button') };
        return set(c, { kind: 'team', team });
      },
    },
    topic: {
      accepts: ['choice'],
      ask: (c) => ({
        text: c.t('notices.ask_topic'),
        choices: TOPICS.map((t) => ({ label: c.t(`notices.topic_${t}`), value: t })),
        columns: 1,
      }),
      answer: (input, c) => {
        const topic = chosen(input, TOPICS);
        if (!topic || !isTopic(topic)) return { retry: c.t('common.pick_a_button') };
        return set(c, { kind: 'topic', topic });
      },
    },
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
    case 'team':
      return localName(community.teams.find((t) => t.id === audience.team)!.name, c.locale);
    case 'topic':
      return c.t('notices.subscribers_of', { topic: c.t(`notices.topic_${audience.topic}`) });
  }
}
