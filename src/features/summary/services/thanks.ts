import type { CoreDeps } from '../../../deps';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { teamGroup } from '../../../domain/chat-links';
import { monthlyTopVolunteers } from '../../../domain/summary';
import { addDays, wallClock, zonedEpoch } from '../../../zoned-time';
import { renderThanks } from '../views/render';

/** The first of the month: each team's group thanks its most active volunteers who agreed to be named. */
export async function sendMonthlyThanks(deps: Pick<CoreDeps, 'db' | 'communities' | 'config' | 'i18n' | 'sender'>, now: number) {
  const { db, communities, config } = deps;
  const timeZone = config.timezone;
  const local = wallClock(now, timeZone);
  const thisMonth = { year: local.year, month: local.month, day: 1 };
  const lastMonth = addDays(thisMonth, -1);
  const from = zonedEpoch({ ...lastMonth, day: 1 }, timeZone);
  const to = zonedEpoch(thisMonth, timeZone);
  for (const community of communities.all) {
    for (const team of community.teams) {
      const group = await teamGroup(db, community.id, team.id, config.defaultLocale);
      if (group === undefined) continue;
      const { chatId, locale } = group;
      const t = deps.i18n.translator(locale);
      const month = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'long' }).format(new Date(from));
      const result = await monthlyTopVolunteers(db, community.id, team.id, from, to);
      if (result.named.length === 0) continue;
      await enqueue(db, now, {
        chatId,
        text: renderThanks(t, { team: team.name[locale], month, totalMinutes: result.totalMinutes, named: result.named }),
        priority: PRIORITY.group,
        ref: `thanks:${community.id}:${team.id}:${from}`,
      });
    }
  }
  deps.sender.poke();
}
