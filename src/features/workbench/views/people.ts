import type { Communities } from '../../../community/config';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import type { User } from '../../../store/schema';
import { removeMemberButton, revokeGridButton, revokeLeadButton, revokeStaffButton, teamMembersButton } from '../buttons';
import type { PeopleSection, RoleHolder } from '../services/people';

/** The lists staff manage people from: /staff (staff and team leads), /members (a team), /find. */

export interface ViewCtx {
  t: Translate;
  locale: Locale;
  communities: Communities;
  communityId: string;
}

const who = (p: Pick<RoleHolder, 'name' | 'username'>) => escapeHtml(p.name) + (p.username ? ` (@${escapeHtml(p.username)})` : '');
const teamName = (v: ViewCtx, teamId: string | undefined) =>
  teamId ? escapeHtml(v.communities.team(v.communityId, teamId)?.name[v.locale] ?? teamId) : '';

/** Each section: its title, one line per person, and a revoke button for each the viewer may revoke. */
export function peopleView(
  v: ViewCtx,
  sections: { section: PeopleSection; people: RoleHolder[]; mayRevoke: boolean }[],
): { text: string; keyboard: InlineKeyboard } {
  const { t } = v;
  const lines: string[] = [
    t('workbench.people_title', { community: escapeHtml(v.communities.community(v.communityId)?.name[v.locale] ?? v.communityId) }),
  ];
  const keyboard: InlineKeyboard = [];
  for (const { section, people, mayRevoke } of sections) {
    lines.push('', `<b>${t(`workbench.section_${section}`)}</b>`);
    if (people.length === 0) lines.push(t('workbench.nobody'));
    for (const p of people) {
      const building = p.grid
        ? escapeHtml(v.communities.building(v.communityId, p.grid.buildingId)?.name[v.locale] ?? p.grid.buildingId)
        : '';
      const duty = p.grid ? ` · ${building} · ${t(`grid.${p.grid.kind}`)}` : '';
      lines.push(`• ${who(p)}${p.teamId ? ` · ${teamName(v, p.teamId)}` : ''}${duty}`);
      if (!mayRevoke) continue;
      keyboard.push([{ text: t(`workbench.revoke_${section}`, { name: p.name, building }), callback_data: revokeData(v, section, p) }]);
    }
  }
  return { text: lines.join('\n'), keyboard };
}

function revokeData(v: ViewCtx, section: PeopleSection, p: RoleHolder): string {
  if (section === 'staff') return revokeStaffButton.pack({ u: p.userId });
  if (section === 'lead') return revokeLeadButton.pack({ m: p.id });
  return revokeGridButton.pack({ c: v.communityId, b: p.grid!.buildingId, k: p.grid!.kind, u: p.userId });
}

export function teamChoiceKeyboard(v: ViewCtx): InlineKeyboard {
  const teams = v.communities.community(v.communityId)?.teams ?? [];
  return teams.map((team) => [
    { text: team.name[v.locale], callback_data: teamMembersButton.pack({ c: v.communityId, t: team.id, p: 0 }) },
  ]);
}

/** Members shown per page: Telegram takes at most 100 buttons on a message, and a list should fit a phone screen. */
export const MEMBERS_PER_PAGE = 20;

export function membersView(v: ViewCtx, teamId: string, all: RoleHolder[], page = 0): { text: string; keyboard: InlineKeyboard } {
  const { t } = v;
  const pages = Math.max(1, Math.ceil(all.length / MEMBERS_PER_PAGE));
  const p = Math.min(Math.max(page, 0), pages - 1);
  const members = all.slice(p * MEMBERS_PER_PAGE, (p + 1) * MEMBERS_PER_PAGE);
  const title = t('workbench.members_title', { team: teamName(v, teamId), n: all.length });
  const lines = members.map((m) => `• ${who(m)}`);
  if (pages > 1) lines.push(t('workbench.members_page', { page: p + 1, pages }));
  const keyboard = members.map((m) => [
    { text: t('workbench.remove_member', { name: m.name }), callback_data: removeMemberButton.pack({ m: m.id }) },
  ]);
  const turn = (to: number, label: string) => ({
    text: label,
    callback_data: teamMembersButton.pack({ c: v.communityId, t: teamId, p: to }),
  });
  const nav = [...(p > 0 ? [turn(p - 1, '◀️')] : []), ...(p < pages - 1 ? [turn(p + 1, '▶️')] : [])];
  if (nav.length > 0) keyboard.push(nav);
  return { text: [title, ...(lines.length ? lines : [t('workbench.nobody')])].join('\n'), keyboard };
}

/** /find's answer: one line per resident with what staff need to reach them. */
export function foundView(v: ViewCtx, query: string, found: { people: User[]; more: boolean }): string {
  const { t } = v;
  if (found.people.length === 0) return t('workbench.find_none', { query: escapeHtml(query) });
  const lines = found.people.map((u) => {
    const building = u.building_id ? (v.communities.building(v.communityId, u.building_id)?.name[v.locale] ?? u.building_id) : '';
    const parts = [
      `<b>${escapeHtml(u.first_name)}</b>${u.username ? ` @${escapeHtml(u.username)}` : ''}`,
      escapeHtml([building, u.unit].filter(Boolean).join(' ')),
      t(`roles.${u.role}`),
      u.phone ? `☎ ${escapeHtml(u.phone)}` : '',
      u.reachable ? '' : t('workbench.unreachable'),
    ].filter(Boolean);
    return `• ${parts.join(' · ')}`;
  });
  const more = found.more ? [t('workbench.find_more')] : [];
  return [t('workbench.find_title', { query: escapeHtml(query), n: found.people.length }), ...lines, ...more].join('\n');
}
