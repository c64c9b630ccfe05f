import { communityChoices } from '../steps';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { choiceStep, defineFlow, type FlowContext } from '../../src/bot/flow';
import { createInvite, INVITE_TTL_MS, mayInvite, type InviteRole } from '../../src/domain/invites';
import { escapeHtml } from '../../src/i18n';

/**
 * /invite: an admin invites staff for a community; staff (and admins) invite team leads.
 * The result is a one-time deep link that expires after INVITE_TTL_MS.
 */
interface State {
  role?: InviteRole;
  community?: string;
}

export function inviteFlow(deps: CoreDeps) {
  const { communities } = deps;
  const ownCommunity = (c: { role: string; user: { community_id: string | null } }) =>
    c.role === 'admin' ? undefined : (c.user.community_id ?? undefined);

  return defineFlow<State>({
    id: 'inv',
    first: (s) => (s.role ? (s.community ? 'team' : 'community') : 'role'),
    initial: (c) => {
      // Staff can only invite team leads of their own community: skip the questions they cannot answer otherwise.
      const community = ownCommunity(c);
      return c.role === 'admin' ? {} : { role: 'lead', community };
    },
    steps: {
      role: choiceStep({
        // Only the roles this person may invite are offered, so only those are accepted.
        ask: (c) => ({
          text: c.t('invite.ask_role'),
          choices: (['staff', 'lead'] as const).filter((r) => mayInvite(c.role, r)).map((r) => ({ label: c.t(`roles.${r}`), value: r })),
        }),
        then: (role, c) => {
          c.state.role = role as InviteRole;
          return { next: 'community' };
        },
      }),
      community: choiceStep({
        ask: (c) => ({
          text: c.t('invite.ask_community'),
          choices: communityChoices(communities, c.locale),
          columns: 1,
        }),
        then: (id, c) => {
          c.state.community = id;
          return c.state.role === 'lead' ? { next: 'team' } : inviteCreated(deps, c);
        },
      }),
      team: choiceStep({
        ask: (c) => ({
          text: c.t('invite.ask_team'),
          choices: (communities.community(c.state.community!)?.teams ?? []).map((t) => ({
            label: localName(t.name, c.locale),
            value: t.id,
          })),
          columns: 1,
        }),
        then: (id, c) => inviteCreated(deps, c, id),
      }),
    },
  });
}

/** The invitation made: a one-time deep link, with whom it is for. */
async function inviteCreated(deps: CoreDeps, c: FlowContext<State>, teamId?: string) {
  const { communities } = deps;
  const token = await createInvite(
    deps.db,
    c.now,
    { id: c.userId, role: c.role },
    { role: c.state.role!, communityId: c.state.community!, teamId },
  );
  const link = `https://t.me/${deps.botUsername()}?start=inv-${token}`;
  const community = localName(communities.community(c.state.community!)!.name, c.locale);
  const team = teamId ? localName(communities.team(c.state.community!, teamId)!.name, c.locale) : '';
  return {
    finish: {
      text: c.t(`invite.created_${c.state.role}`, {
        link: escapeHtml(link),
        community: escapeHtml(community),
        team: escapeHtml(team),
        hours: INVITE_TTL_MS / 3_600_000,
      }),
      menu: true,
    },
  };
}
