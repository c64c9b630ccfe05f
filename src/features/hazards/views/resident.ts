import { localName } from '../../../community/config';
import { FIX_ANSWERS, publicId, REJECT_REASONS, type Report } from '../../../domain/hazards';
import { canMove, FINAL_STATUSES, type Action } from '../../../domain/hazard-status';
import { voiceLength } from '../../../delivery/media';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { label } from '../../../phrases';
import { fixedButton, mineButton, ratingButton } from '../buttons';
import { routeStepText } from './route-steps';
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

/** A hand-up's note is "<target>: <their reference>" (flows/hazards/staff.ts). */
const HANDED_NOTE = /^(street|city): ([\s\S]*)$/;
/** A rejection by the outside body's answer is "handup_refused: <their words>". */
const HANDUP_REFUSED = /^handup_refused: ([\s\S]*)$/;

/**
 * What an event's note says, in the reader's language. The rows keep codes (the answer to "Is it
 * fixed?", "street: JD-…", "team:<id>", a reject reason); older rows kept the default language's
 * words for a team or a reason, so those are recognised too. Anything else is the person's own words.
 */
function historyNote(deps: Pick<ViewDeps, 'communities'>, r: Report, e: HistoryEvent, t: Translate, locale: Locale): string {
  const note = e.note;
  // The fix note is shown above the history already; the report's own words are its description.
  if (!note || e.action === 'fix' || e.to_status === 'new') return '';
  if ((e.action === 'confirm' || e.action === 'reopen') && (FIX_ANSWERS as readonly string[]).includes(note))
    return t(`hazards.card_answer_${note}`);
  const handed = e.action === 'hand_up' ? HANDED_NOTE.exec(note) : null;
  if (handed) return t('hazards.card_handed', { to: t(`hazards.handed_${handed[1]}`), ref: escapeHtml(clip(handed[2], MAX_HISTORY_NOTE)) });
  if (e.action === 'assign') {
    const teams = deps.communities.community(r.community_id)?.teams ?? [];
    const team = teams.find((x) => note === `team:${x.id}` || Object.values(x.name).includes(note));
    return team ? t('hazards.card_team', { team: escapeHtml(localName(team.name, locale)) }) : t('hazards.history_assigned_staff');
  }
  // The outside body refused a hand-up: its words (grid/services/handups.ts answerHandUp).
  const refused = e.action === 'reject' ? HANDUP_REFUSED.exec(note) : null;
  if (refused) return t('grid.history_handup_refused', { note: escapeHtml(clip(refused[1], MAX_HISTORY_NOTE)) });
  if (e.action === 'reject') return t('hazards.card_rejected', { reason: rejectText(t, rejectOf(note) ?? r) });
  return escapeHtml(clip(note, MAX_HISTORY_NOTE));
}

/** A reject event's note as its reason: "not_ours", or "duplicate:<report id>". */
function rejectOf(note: string): Pick<Report, 'reject_reason' | 'duplicate_of'> | undefined {
  const [reason, of] = note.split(':');
  if (!(REJECT_REASONS as readonly string[]).includes(reason)) return undefined;
  return { reject_reason: reason, duplicate_of: of ? Number(of) || null : null };
}

/** One line of a report's history: when, what it became, and the note that came with it. */
function historyLine(deps: ViewDeps, r: Report, e: HistoryEvent, t: Translate, locale: Locale): string {
  if (e.action === 'route') {
    const step = routeStepText(e.note, t) ?? `${t('hazards.event_route')} — ${escapeHtml(clip(e.note ?? '', MAX_HISTORY_NOTE))}`;
    return `• ${formatTime(e.at, deps.config.timezone)} ${step}`;
  }
  const what = e.to_status ? t(`hazards.status_${e.to_status}`) : t(`hazards.event_${e.action}`);
  const note = historyNote(deps, r, e, t, locale);
  const voice = e.voice_seconds !== null ? ` (${voiceLength(e.voice_seconds)})` : '';
  return `• ${formatTime(e.at, deps.config.timezone)} ${what}${note ? ` — ${note}` : ''}${voice}`;
}

/**
 * "History:" and a line for each change, note, photo or voice note (the resident's detail and
 * staff's /r); staff's (`routing`) also tell who it was routed to and how it escalated.
 */
export function historyText(
  deps: ViewDeps,
  r: Report,
  events: readonly HistoryEvent[],
  t: Translate,
  locale: Locale,
  opts: { routing?: boolean } = {},
): string {
  const shown = (e: HistoryEvent) =>
    e.to_status || e.action === 'note' || e.action === 'photo' || e.action === 'voice' || (opts.routing && e.action === 'route');
  const history = events.filter(shown).map((e) => historyLine(deps, r, e, t, locale));
  const text = [t('hazards.history'), ...history].join('\n');
  return text.length > MAX_DETAIL_CHARS ? text.slice(0, MAX_DETAIL_CHARS) : text;
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
    label(t, t('hazards.field_status'), t(`hazards.status_${r.status}`)),
    `📍 ${placeText(deps, r, t, locale, { mapLink: true })}`,
    `📝 ${descriptionText(r, t)}`,
    r.fix_note ? t('hazards.card_fix_note', { note: escapeHtml(r.fix_note) }) : '',
    r.status === 'rejected' ? t('hazards.card_rejected', { reason: rejectText(t, r) }) : '',
  ].filter((l) => l !== '');
  // The summary and the history are two paragraphs.
  const text = `${summary.join('\n')}\n\n${historyText(deps, r, events, t, locale)}`;
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
  draft: { communityId: string; buildingId?: string; spotId?: string; spot?: string; location?: { latitude: number; longitude: number } },
  t: Translate,
  locale: Locale,
): string {
  const r = {
    community_id: draft.communityId,
    building_id: draft.buildingId ?? null,
    spot_id: draft.spotId ?? null,
    spot: draft.spot ?? null,
    latitude: draft.location?.latitude ?? null,
    longitude: draft.location?.longitude ?? null,
  };
  return placeText(deps, r, t, locale);
}
