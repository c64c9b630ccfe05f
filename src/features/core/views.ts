import { localName, type Communities } from '../../community/config';
import type { InlineKeyboard } from '../../delivery/outbox';
import { escapeHtml, isLocale, LOCALE_NAMES, LOCALES, type Locale, type Translate } from '../../i18n';
import { label } from '../../phrases';
import type { Role, User } from '../../store/schema';
import { deleteButton, langButton } from './buttons';

/** What /lang, /help, /mydata and /deleteme show. */

/** One button per language, the current one ticked. */
export function languageKeyboard(current: Locale, codec: typeof langButton = langButton): InlineKeyboard {
  return [LOCALES.map((l) => ({ text: (l === current ? '✓ ' : '') + LOCALE_NAMES[l], callback_data: codec.pack({ locale: l }) }))];
}

export function helpText(t: Translate, role: Role, commands: { name: string; description: string }[]): string {
  const lines = commands.map((c) => `/${c.name} — ${t(c.description)}`);
  return `${t('core.help_title', { role: t(`roles.${role}`) })}\n\n${lines.join('\n')}\n\n${t('core.help_footer')}`;
}

/** The core's part of /mydata: the profile as label: value lines (HTML). */
export function profileLines(t: Translate, locale: Locale, u: User, role: Role, communities: Communities): string[] {
  const community = u.community_id ? communities.community(u.community_id) : undefined;
  const building = u.community_id && u.building_id ? communities.building(u.community_id, u.building_id) : undefined;
  const field = (name: string, value: string | number) => label(t, t(`core.field_${name}`), value);
  return [
    t('core.mydata_title'),
    '',
    field('id', u.id),
    field('name', `${escapeHtml(u.first_name)}${u.username ? ` (@${escapeHtml(u.username)})` : ''}`),
    field('language', isLocale(u.locale) ? LOCALE_NAMES[u.locale] : u.locale),
    field('role', t(`roles.${role}`)),
    field('community', community ? escapeHtml(localName(community.name, locale)) : '—'),
    field('building', building ? escapeHtml(localName(building.name, locale)) : '—'),
    field('unit', u.unit ? escapeHtml(u.unit) : '—'),
    field('phone', u.phone ? escapeHtml(u.phone) : '—'),
    field('privacy', u.privacy_accepted_at ? new Date(u.privacy_accepted_at).toISOString().slice(0, 10) : '—'),
  ];
}

export function deleteConfirmKeyboard(t: Translate): InlineKeyboard {
  return [
    [
      { text: t('core.deleteme_yes'), callback_data: deleteButton.pack({ answer: 'yes' }) },
      { text: t('core.deleteme_no'), callback_data: deleteButton.pack({ answer: 'no' }) },
    ],
  ];
}
