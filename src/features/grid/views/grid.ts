import { localName, type Community } from '../../../community/config';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { label, list } from '../../../phrases';
import type { GridRolesTable } from '../../../store/schema/grid';
import { gridInviteButton, headButton } from '../buttons';

/** /grid: each building's grid worker and building head, with invitation buttons; the community head for admins. */

export interface GridPage {
  community: Community;
  roles: GridRolesTable[];
  names: Map<number, string>;
  staff: { id: number; first_name: string; community_head: number }[];
  admin: boolean;
}

export function gridView(g: GridPage, t: Translate, locale: Locale): { text: string; keyboard: InlineKeyboard } {
  const who = (buildingId: string, kind: 'worker' | 'head') => {
    const row = g.roles.find((r) => r.building_id === buildingId && r.kind === kind);
    return row ? escapeHtml(g.names.get(Number(row.user_id)) ?? '?') : t('grid.nobody');
  };
  const lines = g.community.buildings.map(
    (b) =>
      `🏢 <b>${escapeHtml(localName(b.name, locale))}</b>\n   ${label(t, t('grid.worker'), who(b.id, 'worker'))} · ${label(t, t('grid.head'), who(b.id, 'head'))}`,
  );
  const heads = g.staff.filter((s) => s.community_head).map((s) => escapeHtml(s.first_name));
  const text = [
    t('grid.title', { community: escapeHtml(localName(g.community.name, locale)) }),
    ...lines,
    `⭐ ${label(t, t('grid.community_head'), list(t, heads) || t('grid.nobody'))}`,
  ].join('\n');
  const keyboard: InlineKeyboard = g.community.buildings.map((b) => [
    { text: `➕ ${t('grid.worker')} · ${localName(b.name, locale)}`, callback_data: gridInviteButton.pack({ kind: 'worker', b: b.id }) },
    { text: `➕ ${t('grid.head')}`, callback_data: gridInviteButton.pack({ kind: 'head', b: b.id }) },
  ]);
  if (g.admin)
    for (const s of g.staff)
      keyboard.push([
        {
          text: `${s.community_head ? '⭐' : '☆'} ${label(t, t('grid.community_head'), s.first_name)}`,
          callback_data: headButton.pack({ u: s.id, on: s.community_head ? '0' : '1' }),
        },
      ]);
  return { text, keyboard };
}
