import { localName } from '../../../community/config';
import { QUEUE_PAGE, type QueueFilter, type Report } from '../../../domain/hazards';
import type { InlineButton, InlineKeyboard } from '../../../delivery/outbox';
import type { Locale, Translate } from '../../../i18n';
import { label } from '../../../phrases';
import { openCardButton, queueButton, STATUS_CYCLE } from '../buttons';
import { buttonLine, categoryName, type ViewDeps } from './card';

/** /reports: the staff queue, one page of it, with its filter buttons and one button per report. */

type QueuePayload = Parameters<typeof queueButton.pack>[0];

export interface QueuePage {
  filter: QueueFilter;
  page: number;
  rows: readonly Report[];
  total: number;
  /** Admins choose the community; staff see their own. */
  admin: boolean;
}

/** The value after `current` in `list`, wrapping round: each press of a filter shows the next choice. */
const after = <T>(list: readonly T[], current: T) => list[(list.indexOf(current) + 1) % list.length]!;

export function queueView(deps: Pick<ViewDeps, 'communities'>, q: QueuePage, t: Translate, locale: Locale) {
  const { filter: f, page } = q;
  const pack = (patch: Partial<QueuePayload>) =>
    queueButton.pack({
      status: f.status,
      cat: f.category ?? '',
      com: q.admin ? (f.communityId ?? '') : '',
      overdue: f.overdue ? '1' : '0',
      page,
      ...patch,
    });
  const cats = ['', ...deps.communities.config.hazardCategories.map((c) => c.id)];
  const statusLabel = f.status === 'open' || f.status === 'all' ? t(`hazards.filter_${f.status}`) : t(`hazards.status_${f.status}`);
  const keyboard: InlineKeyboard = [
    [
      { text: label(t, t('hazards.filter_status'), statusLabel), callback_data: pack({ status: after(STATUS_CYCLE, f.status), page: 0 }) },
      {
        text: label(t, t('hazards.filter_category'), f.category ? categoryName(deps, f.category, locale) : t('hazards.filter_all')),
        callback_data: pack({ cat: after(cats, f.category ?? ''), page: 0 }),
      },
    ],
    [
      {
        text: `${f.overdue ? '✅' : '⬜'} ${t('hazards.filter_overdue')}`,
        callback_data: pack({ overdue: f.overdue ? '0' : '1', page: 0 }),
      },
    ],
  ];
  if (q.admin) {
    const coms = ['', ...deps.communities.all.map((c) => c.id)];
    const com = f.communityId ? deps.communities.community(f.communityId) : undefined;
    keyboard[1]!.push({
      text: label(t, t('hazards.filter_community'), com ? localName(com.name, locale) : t('hazards.filter_all')),
      callback_data: pack({ com: after(coms, f.communityId ?? ''), page: 0 }),
    });
  }
  for (const r of q.rows) keyboard.push([{ text: buttonLine(deps, r, t, locale), callback_data: openCardButton.pack({ id: r.id }) }]);
  const pages = Math.max(1, Math.ceil(q.total / QUEUE_PAGE));
  const nav: InlineButton[] = [];
  if (page > 0) nav.push({ text: '◀️', callback_data: pack({ page: page - 1 }) });
  if (page + 1 < pages) nav.push({ text: '▶️', callback_data: pack({ page: page + 1 }) });
  if (nav.length) keyboard.push(nav);
  const empty = q.rows.length === 0 ? `\n\n${t('hazards.queue_empty')}` : '';
  return { text: `${t('hazards.queue_title', { total: q.total, page: page + 1, pages })}${empty}`, keyboard };
}
