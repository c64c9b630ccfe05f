import { FIX_ANSWERS, publicId, type Report } from '../../../domain/hazards';
import { canMove, FINAL_STATUSES, type Action } from '../../../domain/hazard-status';
import { voiceLength } from '../../../delivery/media';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { fixedButton, mineButton, ratingButton } from '../buttons';
import {
  buttonLine,
  categoryName,
  clip,
  descriptionText,
  formatTime,
  placeText,
  rejectText,
  reportLine,
  teamName,
  type ViewDeps,
} from './card';

/** What residents see of their reports: status notices, "Is it fixed?", the rating, /myreports and one report's history. */

/** A report as the resident's lists hold it: with how they follow it. */
export type FollowedReport = Report & { follow_kind: string };

export function noticeText(
  deps: Pick<ViewDeps, 'communities'>,
  r: Report,
  action: Action | 'overdue',
  t: Translate,
  locale: Locale,
): string | undefined {
  if (action === 'overdue') return undefined;
  const params = {
    id: publicId(r.id),
    category: escapeHtml(categoryName(deps, r.category, locale)),
    note: escapeHtml(clip(r.fix_note ?? '', 300)),
    reason: rejectText(t, r),
    to: r.handed_to ? t(`hazards.handed_${r.handed_to}`) : '',
    ref: escapeHtml(r.handed_ref ?? ''),
    days: deps.communities.settings.fixConfirmDays,
    team: escapeHtml(teamName(deps, r, locale)),
  };
  if (action === 'auto_close') return t('hazards.notice_auto_closed', params);
  if (action === 'assign') return t(r.team_id ? 'hazards.notice_assigned_team' : 'hazards.notice_assigned', params);
  return t(`hazards.notice_${r.status}`, params);
}

export function fixedKeyboard(id: number, t: Translate): InlineKeyboard {
  return [FIX_ANSWERS.map((answer) => ({ text: t(`hazards.fixed_${answer}`), callback_data: fixedButton.pack({ id, answer }) }))];
}

const RATINGS = [1, 2, 3, 4, 5];
/** The stars in two rows: three, then two. */
const RATINGS_IN_FIRST_ROW = 3;

export function ratingKeyboard(id: number): InlineKeyboard {
  const stars = RATINGS.map((n) => ({ text: '★'.repeat(n), callback_data: ratingButton.pack({ id, stars: n }) }));
  return [stars.slice(0, RATINGS_IN_FIRST_ROW), stars.slice(RATINGS_IN_FIRST_ROW)];
}

/** A line of a person's own list, marked when they only support it, and when it was told as a voice note. */
function followedLine(line: string, r: FollowedReport, t: Translate): string {
  const voice = r.voice_seconds !== null ? ` · ${t('hazards.voice_note', { length: voiceLength(r.voice_seconds) })}` : '';
  return (r.follow_kind === 'supporter' ? `${line} · ${t('hazards.supporting')}` : line) + voice;
}

/** /myreports: one line per report, and a button to open each. */
export function myReportsView(
  deps: Pick<ViewDeps, 'communities'>,
  rows: readonly FollowedReport[],
  t: Translate,
  locale: Locale,
): { text: string; keyboard: InlineKeyboard } {
  const lines = rows.map((r) => followedLine(reportLine(deps, r, t, locale), r, t));
  return {
    text: `${t('hazards.mine_title')}\n\n${lines.join('\n')}`,
    keyboard: rows.map((r) => [{ text: buttonLine(deps, r, t, locale), callback_data: mineButton.pack({ op: 'o', id: r.id }) }]),
  };
}

/** /mydata: every report the person follows, with when it was made. */
export function myDataLines(deps: ViewDeps, rows: readonly FollowedReport[], t: Translate, locale: Locale): string[] {
  if (rows.length === 0) return [t('hazards.mydata_title'), t('hazards.mydata_none')];
  return [
    t('hazards.mydata_title'),
    ...rows.map((r) => followedLine(`${reportLine(deps, r, t, locale)} · ${formatTime(r.created_at, deps.config.timezone)}`, r, t)),
  ];
}

/** Telegram allows 4096 characters; the history is cut a little before that. */
const MAX_DETAIL_CHARS = 4000;
const MAX_HISTORY_NOTE = 120;

interface HistoryEvent {
  at: number;
  action: string;
  to_status: string | null;
  note: string | null;
  voice_seconds: number | null;
}

/** One line of a report's history: when, what it became, and the note that came with it. */
function historyLine(e: HistoryEvent, t: Translate, timeZone: string): string {
  const what = e.to_status ? t(`hazards.status_${e.to_status}`) : t(`hazards.event_${e.action}`);
  // The fix note is shown above the history already.
  const note = e.note && e.action !== 'fix' && e.to_status !== 'new' ? ` — ${escapeHtml(e.note.slice(0, MAX_HISTORY_NOTE))}` : '';
  const voice = e.voice_seconds !== null ? ` (${voiceLength(e.voice_seconds)})` : '';
  return `• ${formatTime(e.at, timeZone)} ${what}${note}${voice}`;
}

/** One of a resident's reports opened from /myreports: what it is, its history, and what they may still do. */
export function reportDetailView(
  deps: ViewDeps,
  r: Report,
  events: readonly HistoryEvent[],
  viewerId: number,
  t: Translate,
  locale: Locale,
): { text: string; keyboard: InlineKeyboard } {
  const summary = [
    `<b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, locale))}`,
    `${t('hazards.field_status')}: ${t(`hazards.status_${r.status}`)}`,
    `📍 ${placeText(deps, r, t, locale)}`,
    `📝 ${descriptionText(r, t)}`,
    r.fix_note ? t('hazards.card_fix_note', { note: escapeHtml(r.fix_note) }) : '',
    r.status === 'rejected' ? t('hazards.card_rejected', { reason: rejectText(t, r) }) : '',
  ].filter((l) => l !== '');
  const history = events
    .filter((e) => e.to_status || e.action === 'note' || e.action === 'photo' || e.action === 'voice')
    .map((e) => historyLine(e, t, deps.config.timezone));
  // The summary and the history are two paragraphs.
  const text = `${summary.join('\n')}\n\n${[t('hazards.history'), ...history].join('\n')}`;
  const keyboard: InlineKeyboard = [];
  if (!FINAL_STATUSES.includes(r.status))
    keyboard.push([{ text: t('hazards.add_note'), callback_data: mineButton.pack({ op: 'n', id: r.id }) }]);
  if (r.reporter_id === viewerId && canMove('withdraw', r.status))
    keyboard.push([{ text: t('hazards.withdraw'), callback_data: mineButton.pack({ op: 'w', id: r.id }) }]);
  return { text: text.length > MAX_DETAIL_CHARS ? text.slice(0, MAX_DETAIL_CHARS) : text, keyboard };
}

/** The place of a report being written, for the review before it is submitted. */
export function draftPlace(
  deps: Pick<ViewDeps, 'communities'>,
  draft: { communityId: string; buildingId?: string; spot?: string; location?: { latitude: number; longitude: number } },
  t: Translate,
  locale: Locale,
): string {
  const r = {
    community_id: draft.communityId,
    building_id: draft.buildingId ?? null,
    spot: draft.spot ?? null,
    latitude: draft.location?.latitude ?? null,
    longitude: draft.location?.longitude ?? null,
  };
  return placeText(deps, r, t, locale);
}
