import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import { isOverdue, publicId, REJECT_REASONS, type Report, type TransitionResult } from '../../../domain/hazards';
import { movesFrom, type Action } from '../../../domain/hazard-status';
import { LADDER_RUNGS } from '../../../domain/grid';
import { pageRungOf } from '../../../domain/duty';
import { HAND_UP_ANSWERS } from '../../../domain/handups';
import { handUpAnswerButton } from '../../grid/buttons';
import { voiceLength } from '../../../delivery/media';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { label } from '../../../phrases';
import { assignButton, cardBackButton, rejectButton, staffButton } from '../buttons';
import { dateFormat } from '../../../zoned-time';

/**
 * How a hazard report looks to staff: the committee group's card with the buttons the state
 * machine offers now, its sub-menus (assign, reject), and the lines lists are made of.
 */

export type ViewDeps = Pick<CoreDeps, 'communities' | 'i18n' | 'config'>;

const STATUS_ICON: Record<string, string> = {
  new: '🆕',
  acknowledged: '👀',
  assigned: '👷',
  in_progress: '🔧',
  handed_up: '⬆️',
  reopened: '🔁',
  fixed: '✅',
  closed: '☑️',
  rejected: '🚫',
  withdrawn: '↩️',
};

export function categoryName(deps: Pick<ViewDeps, 'communities'>, category: string, locale: Locale): string {
  const c = deps.communities.hazardCategory(category);
  return c ? localName(c.name, locale) : category;
}

/** What a place line may carry besides words: the map link (not where Telegram would preview it). */
export interface PlaceOptions {
  mapLink?: boolean;
}

/** A public map at a shared location: a plain link, so the bot itself fetches nothing. */
export function mapUrl(latitude: number, longitude: number): string {
  const [lat, lon] = [latitude.toFixed(5), longitude.toFixed(5)];
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
}

/**
 * Where a report is: its building ("near" it when the building was resolved from a shared
 * location; "near" a configured spot instead when one was nearer still), the spot, and for a shared location a map link, or its coordinates when no
 * configured building is near.
 */
/** The report's building, when the community's configuration still knows it: without one, placeText gives the coordinates. */
export const buildingOf = (deps: Pick<ViewDeps, 'communities'>, r: Pick<Report, 'community_id' | 'building_id'>) =>
  r.building_id ? deps.communities.building(r.community_id, r.building_id) : undefined;

export function placeText(
  deps: Pick<ViewDeps, 'communities'>,
  r: Pick<Report, 'community_id' | 'building_id' | 'spot_id' | 'spot' | 'latitude' | 'longitude'>,
  t: Translate,
  locale: Locale,
  opts: PlaceOptions = {},
): string {
  const parts: string[] = [];
  const building = buildingOf(deps, r);
  const located = r.latitude !== null && r.longitude !== null;
  const near = r.spot_id ? deps.communities.spot(r.community_id, r.spot_id) : undefined;
  if (near) parts.push(t('hazards.near_spot', { spot: escapeHtml(localName(near.name, locale)) }));
  else if (building) {
    const name = escapeHtml(localName(building.name, locale));
    parts.push(located ? t('hazards.near_building', { building: name }) : name);
  }
  if (r.spot) parts.push(escapeHtml(r.spot));
  if (r.latitude !== null && r.longitude !== null) {
    if (!building) parts.push(t('hazards.at_location', { lat: r.latitude.toFixed(5), lon: r.longitude.toFixed(5) }));
    if (opts.mapLink) parts.push(`<a href="${escapeHtml(mapUrl(r.latitude, r.longitude))}">${t('hazards.map_link')}</a>`);
  }
  return parts.join(' · ') || '—';
}

/**
 * The description as HTML: the resident's words, or (given as a voice message) "🎤 voice note (0:12)"
 * in the words of `voiceKey`. The length stays after /deleteme drops the voice itself.
 */
export function descriptionText(
  r: Pick<Report, 'description' | 'voice_seconds'>,
  t: Translate,
  opts: { max?: number; voiceKey?: string } = {},
): string {
  const words = r.description ? escapeHtml(opts.max ? clip(r.description, opts.max) : r.description) : '';
  const voice = r.voice_seconds !== null ? t(opts.voiceKey ?? 'hazards.voice_note', { length: voiceLength(r.voice_seconds) }) : '';
  return [words, voice].filter(Boolean).join(' ');
}

/** One line per report, for lists. */
export function reportLine(deps: Pick<ViewDeps, 'communities'>, r: Report, t: Translate, locale: Locale): string {
  return `${STATUS_ICON[r.status] ?? ''} <b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, locale))} · ${t(`hazards.status_${r.status}`)}`;
}

/** The same line as a button label (plain text). */
export function buttonLine(deps: Pick<ViewDeps, 'communities'>, r: Report, t: Translate, locale: Locale): string {
  return `${STATUS_ICON[r.status] ?? ''} ${publicId(r.id)} · ${categoryName(deps, r.category, locale)} · ${t(`hazards.status_${r.status}`)}`;
}

/** What the card shows besides the report's own row (services.ts loads it). */
export interface CardFacts {
  supporters: number;
  ownerName?: string;
  now: number;
  /** Handed up, not answered yet: when the outside body's answer is expected. */
  handUpDueAt?: number;
}

/**
 * The card staff see (group and private): no reporter name, phone or unit, only the place.
 * Short enough to be a photo caption.
 */
export function cardText(deps: ViewDeps, r: Report, facts: CardFacts, locale: Locale, place: PlaceOptions = { mapLink: true }): string {
  const t = deps.i18n.translator(locale);
  const lines = [
    `${STATUS_ICON[r.status] ?? ''} <b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, locale))}${r.emergency ? ` 🚨 ${t('hazards.emergency')}` : ''}`,
    label(t, t('hazards.field_status'), t(`hazards.status_${r.status}`)),
    `📍 ${placeText(deps, r, t, locale, place)}`,
    `📝 ${descriptionText(r, t, { max: 400, voiceKey: 'hazards.card_voice' })}`,
  ];
  if (facts.supporters > 0) lines.push(t('hazards.card_support', { n: facts.supporters }));
  if (r.team_id) lines.push(t('hazards.card_team', { team: escapeHtml(teamName(deps, r, locale)) }));
  if (facts.ownerName) lines.push(t('hazards.card_owner', { name: escapeHtml(facts.ownerName) }));
  if (r.status === 'handed_up' && r.handed_to)
    lines.push(t('hazards.card_handed', { to: t(`hazards.handed_${r.handed_to}`), ref: escapeHtml(r.handed_ref ?? '') }));
  if (r.status === 'handed_up' && facts.handUpDueAt)
    lines.push(t('grid.card_handup_due', { at: formatTime(facts.handUpDueAt, deps.config.timezone) }));
  if (r.status === 'rejected' && r.reject_reason) lines.push(t('hazards.card_rejected', { reason: rejectText(t, r) }));
  if (r.fix_note && (r.status === 'fixed' || r.status === 'closed'))
    lines.push(t('hazards.card_fix_note', { note: escapeHtml(clip(r.fix_note, 200)) }));
  if (r.fix_answer) lines.push(t(`hazards.card_answer_${r.fix_answer}`) + (r.rating ? ` · ${'★'.repeat(r.rating)}` : ''));
  const overdue = isOverdue(r, deps.communities.hazardCategory(r.category), facts.now);
  if (overdue) lines.push(t(`hazards.card_overdue_${overdue}`));
  // Who has it (issue 18): still with its first responder alone, or how far up the ladder it went.
  if (r.group_due_at && r.status === 'new') lines.push(t('grid.card_with_responder'));
  const paging = r.emergency && r.status === 'new' ? pageRungOf(r.page_count, deps.communities.settings.pageRepeats) : undefined;
  if (paging) lines.push(t('grid.card_paging', { rung: t(`grid.page_rung_${paging}`) }));
  const rung = LADDER_RUNGS[r.ladder_step - 1];
  if (rung)
    lines.push(t('grid.card_ladder', { rung: t(`grid.rung_${rung}`), at: formatTime(r.ladder_at ?? r.created_at, deps.config.timezone) }));
  lines.push(t('hazards.card_created', { at: formatTime(r.created_at, deps.config.timezone) }));
  return lines.join('\n');
}

/** The team's name in this language; its id when the team is no longer configured. */
export function teamName(deps: Pick<ViewDeps, 'communities'>, r: Pick<Report, 'community_id' | 'team_id'>, locale: Locale): string {
  if (!r.team_id) return '';
  const team = deps.communities.team(r.community_id, r.team_id);
  return team ? localName(team.name, locale) : r.team_id;
}

export function rejectText(t: Translate, r: Pick<Report, 'reject_reason' | 'duplicate_of'>): string {
  if (r.reject_reason === 'duplicate' && r.duplicate_of) return t('hazards.reason_duplicate_of', { id: publicId(r.duplicate_of) });
  return t(`hazards.reason_${r.reject_reason ?? 'not_hazard'}`);
}

/** Why a move was refused, in the presser's words. */
export function refusalText(t: Translate, result: Extract<TransitionResult, { ok: false }>): string {
  if (result.reason === 'wrong_status' && result.status)
    return t('hazards.refused_status', { status: t(`hazards.status_${result.status}`) });
  return t(`hazards.refused_${result.reason}`);
}

const CARD_BUTTONS_PER_ROW = 3;

/**
 * The staff buttons for the report's current status, straight from the state machine. Handed up,
 * its moves (fix, reject) are the outside body's answer, so the card offers that answer instead:
 * fixed, refused, or still pending (grid/services/handups.ts records it).
 */
export function staffKeyboard(r: Pick<Report, 'id' | 'status'>, t: Translate): InlineKeyboard {
  if (r.status === 'handed_up') return handUpAnswerKeyboard(r.id, t);
  const buttons = movesFrom(r.status, 'staff').map((action) => ({
    text: t(`hazards.act_${action}`),
    callback_data: staffButton.pack({ action, id: r.id }),
  }));
  const rows: InlineKeyboard = [];
  for (let i = 0; i < buttons.length; i += CARD_BUTTONS_PER_ROW) rows.push(buttons.slice(i, i + CARD_BUTTONS_PER_ROW));
  return rows;
}

/** The outside body's answer to a hand-up, as staff record it: fixed, refused, still pending (each asks for a note). */
export function handUpAnswerKeyboard(reportId: number, t: Translate): InlineKeyboard {
  return [HAND_UP_ANSWERS.map((a) => ({ text: t(`grid.handup_${a}`), callback_data: handUpAnswerButton.pack({ id: reportId, a }) }))];
}

/** One staff move as the only button, e.g. "Acknowledge" on an emergency page. */
export function moveKeyboard(action: Action, reportId: number, t: Translate): InlineKeyboard {
  return [[{ text: t(`hazards.act_${action}`), callback_data: staffButton.pack({ action, id: reportId }) }]];
}

/** How many staff members the assign menu offers (beside every team). */
const ASSIGNABLE_STAFF = 8;

/** "Assign": the community's teams, then its staff, then Back. */
export function assignKeyboard(
  deps: Pick<ViewDeps, 'communities'>,
  r: Report,
  staff: readonly { id: number; first_name: string }[],
  t: Translate,
  locale: Locale,
): InlineKeyboard {
  const teams = deps.communities.community(r.community_id)?.teams ?? [];
  return [
    ...teams.map((team) => [
      { text: `👥 ${localName(team.name, locale)}`, callback_data: assignButton.pack({ id: r.id, kind: 't', target: team.id }) },
    ]),
    ...staff
      .slice(0, ASSIGNABLE_STAFF)
      .map((s) => [{ text: `👤 ${s.first_name}`, callback_data: assignButton.pack({ id: r.id, kind: 's', target: s.id }) }]),
    [{ text: t('common.back'), callback_data: cardBackButton.pack({ id: r.id }) }],
  ];
}

/** "Reject": the open reports it may duplicate, the other reasons, then Back. */
export function rejectKeyboard(r: Report, similar: readonly Pick<Report, 'id'>[], t: Translate): InlineKeyboard {
  return [
    ...similar.map((x) => [
      {
        text: t('hazards.reason_duplicate_of', { id: publicId(x.id) }),
        callback_data: rejectButton.pack({ id: r.id, reason: 'duplicate', dup: x.id }),
      },
    ]),
    ...REJECT_REASONS.filter((x) => x !== 'duplicate').map((reason) => [
      { text: t(`hazards.reason_${reason}`), callback_data: rejectButton.pack({ id: r.id, reason, dup: 0 }) },
    ]),
    [{ text: t('common.back'), callback_data: cardBackButton.pack({ id: r.id }) }],
  ];
}

export function clip(text: string, max: number): string {
  return [...text].length > max ? [...text].slice(0, max - 1).join('') + '…' : text;
}

export function formatTime(ms: number, timeZone: string): string {
  return dateFormat('minute', 'sv-SE', timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}
