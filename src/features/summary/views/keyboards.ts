import type { Communities } from '../../../community/config';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { weeksBefore, type Week } from '../../../domain/summary';
import type { Locale, Translate } from '../../../i18n';
import { communityButton, earlierButton, packWeek, weekButton } from '../buttons';

/** The keyboards of /summary: which community, which week. */

/** How far back /summary goes with buttons. */
const EARLIER_WEEKS = 6;

/** This week, last week, or "earlier…". */
export function weekChoiceKeyboard(t: Translate, communityId: string, thisWeek: Week, timeZone: string): InlineKeyboard {
  const week = (w: Week) => weekButton.pack({ c: communityId, w: packWeek(w) });
  return [
    [
      { text: t('summary.this_week'), callback_data: week(thisWeek) },
      { text: t('summary.last_week'), callback_data: week(weeksBefore(thisWeek, 1, timeZone)) },
    ],
    [{ text: t('summary.earlier_week'), callback_data: earlierButton.pack({ c: communityId }) }],
  ];
}

/** The weeks before last week, two to a row. */
export function earlierWeeksKeyboard(t: Translate, communityId: string, thisWeek: Week, timeZone: string): InlineKeyboard {
  const weeks = Array.from({ length: EARLIER_WEEKS }, (_, i) => weeksBefore(thisWeek, i + 2, timeZone));
  const rows: InlineKeyboard = [];
  for (let i = 0; i < weeks.length; i += 2) {
    rows.push(
      weeks.slice(i, i + 2).map((w) => ({
        text: t('summary.week_button', { date: w.key }),
        callback_data: weekButton.pack({ c: communityId, w: packWeek(w) }),
      })),
    );
  }
  return rows;
}

/** One button per community the presser may see. */
export function communityChoiceKeyboard(communities: Communities, communityIds: string[], locale: Locale): InlineKeyboard {
  return communityIds.map((id) => [{ text: communities.community(id)!.name[locale], callback_data: communityButton.pack({ c: id }) }]);
}
