import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { escapeHtml, isLocale, type Locale } from '../../../i18n';
import { formatDay, hours, rate } from '../views/html';
import { streetView, type StreetView } from './street';

/** The street office's ranking of last week, as a message to each admin in their language. */

export type StreetDeps = Pick<CoreDeps, 'db' | 'config' | 'i18n' | 'communities' | 'users'>;

export function renderStreetMessage(deps: Pick<CoreDeps, 'i18n' | 'communities' | 'config'>, v: StreetView, locale: Locale): string {
  const t = deps.i18n.translator(locale);
  const pc = { locale, timeZone: deps.config.timezone };
  const lines = v.standings.map((s) =>
    t('dashboard.street_line', {
      rank: s.rank,
      community: escapeHtml(deps.communities.community(s.communityId)?.name[locale] ?? s.communityId),
      response: rate(s.rates.response),
      resolution: rate(s.rates.resolution),
      satisfaction: rate(s.rates.satisfaction),
      open: s.open,
      overdue: s.overdue,
      hours: hours(s.volunteerMinutes),
      events: s.eventsHeld,
    }),
  );
  const week = `${formatDay(pc, v.week.start)} – ${formatDay(pc, v.week.end - 1)}`;
  const office = escapeHtml(deps.communities.config.streetOffice.name[locale]);
  return [t('dashboard.street_message_title', { office, week }), '', ...lines, '', t('dashboard.street_ranking_rule')].join('\n');
}

export async function sendStreetRanking(deps: StreetDeps, now: number): Promise<void> {
  if (deps.config.adminIds.length === 0) return;
  const view = await streetView(deps.db, deps.communities, deps.config.timezone, now);
  for (const adminId of deps.config.adminIds) {
    const user = await deps.users.find(adminId);
    // An admin who never started the bot cannot be written to; the outbox would only fail.
    if (!user) continue;
    const locale = isLocale(user.locale) ? user.locale : deps.config.defaultLocale;
    await enqueue(deps.db, now, {
      chatId: adminId,
      text: renderStreetMessage(deps, view, locale),
      priority: PRIORITY.group,
      ref: `street:${view.week.key}`,
    });
  }
}
