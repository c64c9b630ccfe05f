import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, type FlowContext } from '../src/bot/flow';
import { createInvite, INVITE_TTL_MS, mayInvite, type InviteRole } from '../src/domain/invites';
import { escapeHtml } from '../src/i18n';

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

  const finish = async (c: FlowContext<State>, teamId?: string) => {
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
  };

  return defineFlow<State>({
    id: 'inv',
    first: (s) => (s.role ? (s.community ? 'team' : 'community') : 'role'),
    initial: (c) => {
      // Staff can only invite team leads of their own community: skip the questions they cannot answer otherwise.
      const community = ownCommunity(c);
      return c.role === 'admin' ? {} : { role: 'lead', community };
    },
    steps: {
      role: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('invite.ask_role'),
          choices: (['staff', 'lead'] as const).filter((r) => mayInvite(c.role, r)).map((r) => ({ label: c.t(`roles.${r}`), value: r })),
        }),
        answer: (input, c) => {
          const role = chosen(input, ['staff', 'lead']) as InviteRole | undefined;
          if (!role || !mayInvite(c.role, role)) return { retry: c.t('common.pick_a_button') };
          c.state.role = role;
          return { next: 'community' };
        },
      },
      community: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('invite.ask_community'),
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
          return c.state.role === 'lead' ? { next: 'team' } : finish(c);
        },
      },
      team: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('invite.ask_team'),
          choices: (communities.community(c.state.community!)?.teams ?? []).map((t) => ({
            label: localName(t.name, c.locale),
            value: t.id,
          })),
          columns: 1,
        }),
        answer: (input, c) => {
          const id = chosen(
            input,
            (communities.community(c.state.community!)?.teams ?? []).map((t) => t.id),
          );
          if (!id) return { retry: c.t('common.pick_a_button') };
          return finish(c, id);
        },
      },
    },
  });
}
