import { countedMinutes } from '../../../domain/help';
import { monthKey } from '../../../domain/help-time';
import type { Shift } from '../../../domain/shifts';
import type { TeamMember } from '../../../domain/volunteers';
import { escapeHtml, type Locale } from '../../../i18n';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { memberButton } from '../buttons';
import type { HelpText } from './text';

/** What volunteers read: the sign-up decision, /hours by month, their coming shifts, their teams. */

/** The decision request about a sign-up; the phone only where `privately` is asked for. */
export function signupParams(h: HelpText, m: TeamMember, name: string) {
  const params = (l: Locale) => ({
    name: escapeHtml(name),
    team: h.teamOf(m, l),
    skills: escapeHtml(m.skills ?? '—'),
    availability: escapeHtml(m.availability ?? '—'),
  });
  const privately = (l: Locale) => ({ ...params(l), phone: escapeHtml(m.phone ?? '—') });
  return { params, privately };
}

export const memberDecisionKeyboard = (h: HelpText, m: TeamMember, locale: Locale): InlineKeyboard => [
  [
    { text: h.t(locale, 'approve'), callback_data: memberButton.pack({ member: m.id, yes: 1 }) },
    { text: h.t(locale, 'decline'), callback_data: memberButton.pack({ member: m.id, yes: 0 }) },
  ],
];

type HoursRow = { at: number; minutes: number; corrected_minutes: number | null; approved: number };

/** /hours: each month's counted hours and tasks (with how many wait for approval), then the total. */
export function hoursText(h: HelpText, rows: HoursRow[], locale: Locale): string {
  const months = new Map<string, { minutes: number; tasks: number; pending: number }>();
  for (const row of rows) {
    const key = monthKey(row.at, h.tz);
    const m = months.get(key) ?? { minutes: 0, tasks: 0, pending: 0 };
    m.minutes += countedMinutes(row);
    m.tasks += 1;
    m.pending += row.approved ? 0 : 1;
    months.set(key, m);
  }
  const total = [...months.values()].reduce((s, m) => s + m.minutes, 0);
  const lines = [...months].map(([month, m]) =>
    h.t(locale, m.pending ? 'hours_month_pending' : 'hours_month', {
      month,
      hours: h.duration(m.minutes, locale),
      tasks: m.tasks,
      pending: m.pending,
    }),
  );
  return [h.t(locale, 'hours_title'), ...lines, '', h.t(locale, 'hours_total', { hours: h.duration(total, locale) })].join('\n');
}

/** /tasks: the shifts someone joined that are still to come. */
export function myShiftsText(h: HelpText, shifts: Pick<Shift, 'id' | 'zone' | 'starts_at' | 'ends_at'>[], locale: Locale): string {
  const lines = shifts.map((s) =>
    h.t(locale, 'shift_line', { id: s.id, zone: escapeHtml(s.zone), when: escapeHtml(h.when(s.starts_at, s.ends_at, locale)) }),
  );
  return [h.t(locale, 'shifts_title'), ...lines].join('\n');
}

/** /volunteer for someone already in teams: which ones. */
export const alreadyInTeamsText = (h: HelpText, teams: TeamMember[], locale: Locale) =>
  h.t(locale, 'volunteer_already', {
    teams: escapeHtml(
      h.list(
        teams.map((t) => h.teamName(t.community_id, t.team_id, locale)),
        locale,
      ),
    ),
  });
