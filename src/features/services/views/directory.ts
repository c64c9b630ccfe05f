import { localName, SERVICE_KINDS, type Community } from '../../../community/config';
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

export function directoryText(community: Community, points: PointNow[], t: Translate, locale: Locale): string {
  if (points.length === 0) return t('services.none');
  const sections = SERVICE_KINDS.filter((k) => points.some((p) => p.kind === k)).map((k) =>
    [`<b>${t(`services.kind_${k}`)}</b>`, ...points.filter((p) => p.kind === k).map((p) => pointLines(p, t, locale))].join('\n'),
  );
  return [t('services.title', { community: escapeHtml(localName(community.name, locale)) }), ...sections].join('\n\n');
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
