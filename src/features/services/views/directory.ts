import { localName, SERVICE_KINDS, type Community } from '../../../community/config';
import type { BuildingContact } from '../../../domain/grid';
import type { PointNow } from '../../../domain/service-points';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { editPointButton, pointButton } from '../buttons';

/** What /services looks like: the points under their kinds, each with phone, hours and "open now". */

/** Hours as written ("mon-fri 08:30-17:30"), with the day words in the reader's language. */
export function hoursText(hours: string, t: Translate): string {
  return hours.replace(/\b(mon|tue|wed|thu|fri|sat|sun|daily|closed)\b/gi, (w) => t(`services.day_${w.toLowerCase()}`));
}

function pointLines(p: PointNow, t: Translate, locale: Locale): string {
  const lines = [`• ${escapeHtml(localName(p.name, locale))} ${t(p.open ? 'services.open_now' : 'services.closed_now')}`];
  if (p.phone) lines.push(`  📞 ${escapeHtml(p.phone)}`);
  lines.push(`  🕘 ${escapeHtml(hoursText(p.hours, t))}`);
  return lines.join('\n');
}

/**
 * The household's contact card (电话联系卡), first: the committee's office as its point says, and
 * the resident's building's grid worker and head by name (no phone of theirs: they gave it to the
 * committee, not for a card). Undefined when there is nobody to put on it.
 */
function contactCard(points: PointNow[], contacts: readonly BuildingContact[], t: Translate, locale: Locale): string | undefined {
  const office = points.filter((p) => p.kind === 'committee').map((p) => pointLines(p, t, locale));
  const people = contacts.map((c) =>
    t(`services.card_${c.kind}`, { name: `${escapeHtml(c.name)}${c.username ? ` @${escapeHtml(c.username)}` : ''}` }),
  );
  if (office.length + people.length === 0) return undefined;
  return [t('services.card_title'), ...office, ...people, t('services.card_ask')].join('\n');
}

export function directoryText(
  community: Community,
  points: PointNow[],
  contacts: readonly BuildingContact[],
  t: Translate,
  locale: Locale,
): string {
  const card = contactCard(points, contacts, t, locale);
  if (points.length === 0 && !card) return t('services.none');
  // The committee's office is on the card; the other kinds follow under their headings.
  const sections = SERVICE_KINDS.filter((k) => k !== 'committee' && points.some((p) => p.kind === k)).map((k) =>
    [`<b>${t(`services.kind_${k}`)}</b>`, ...points.filter((p) => p.kind === k).map((p) => pointLines(p, t, locale))].join('\n'),
  );
  const title = t('services.title', { community: escapeHtml(localName(community.name, locale)) });
  return [title, ...(card ? [card] : []), ...sections].join('\n\n');
}

export function directoryKeyboard(points: PointNow[], locale: Locale): InlineKeyboard {
  return points.map((p) => [{ text: `📍 ${localName(p.name, locale)}`, callback_data: pointButton.pack({ point: p.id }) }]);
}

/** One point, as sent beside its venue. */
export function pointDetail(p: PointNow, t: Translate, locale: Locale): string {
  const address = p.address ? `\n📮 ${escapeHtml(localName(p.address, locale))}` : '';
  return `<b>${escapeHtml(localName(p.name, locale))}</b> · ${t(`services.kind_${p.kind}`)}\n${pointLines(p, t, locale)}${address}`;
}

export const editKeyboard = (pointId: string, t: Translate): InlineKeyboard => [
  [
    { text: t('services.btn_edit_hours'), callback_data: editPointButton.pack({ point: pointId, field: 'hours' }) },
    { text: t('services.btn_edit_phone'), callback_data: editPointButton.pack({ point: pointId, field: 'phone' }) },
  ],
];
