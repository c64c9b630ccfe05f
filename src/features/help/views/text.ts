import { localName, type Communities } from '../../../community/config';
import type { Config } from '../../../config';
import { assignedPrivately } from '../../../domain/help';
import { formatWindow } from '../../../domain/help-time';
import { voiceLength } from '../../../delivery/media';
import { escapeHtml, type I18n, type Locale, type Params } from '../../../i18n';
import { duration, list } from '../../../phrases';

/**
 * The help feature's words: its texts (under help.*), the local names of help types, buildings
 * and teams, and time windows. Group texts never carry the requester's name, phone, unit or
 * address; those go only to the claimer's private chat.
 */
export type HelpText = ReturnType<typeof helpText>;

export function helpText(deps: { i18n: I18n; communities: Communities; config: Config }) {
  const { i18n, communities, config } = deps;
  const tz = config.timezone;
  const t = (locale: Locale, key: string, params?: Params) => i18n.t(locale, `help.${key}`, params);

  const typeName = (type: string, locale: Locale) => {
    const h = communities.helpType(type);
    return h ? localName(h.name, locale) : type;
  };
  const buildingName = (communityId: string, buildingId: string, locale: Locale) => {
    const b = communities.building(communityId, buildingId);
    return b ? localName(b.name, locale) : buildingId;
  };
  const teamName = (communityId: string, teamId: string, locale: Locale) => {
    const team = communities.team(communityId, teamId);
    return team ? localName(team.name, locale) : teamId;
  };
  const when = (start: number | null, end: number | null, locale: Locale) => formatWindow(start, end, locale, tz) ?? t(locale, 'asap');
  /** Building, unit and address as one line: only for private chats. */
  const place = (where: { communityId: string; buildingId: string; unit?: string | null; address?: string | null }, locale: Locale) =>
    [buildingName(where.communityId, where.buildingId, locale), where.unit, where.address].filter(Boolean).join(' · ');

  return {
    t,
    /** Texts outside help.* (common.back, common.stale_button). */
    common: (locale: Locale, key: string, params?: Params) => i18n.t(locale, key, params),
    tz,
    /** The language of a group that has none of its own (each linked group has one: /lang there). */
    defaultLocale: config.defaultLocale,
    typeName,
    buildingName,
    teamName,
    when,
    /** Minutes as "1 hour 30 minutes" in the reader's words. */
    duration: (minutes: number, locale: Locale) => duration(i18n.translator(locale), minutes),
    /** Names joined in the reader's words (", " or "、"). */
    list: (items: readonly string[], locale: Locale) => list(i18n.translator(locale), items),
    place,
    /** Mediation and legal advice: offered privately, never on a public card. */
    assignedPrivately: (type: string) => assignedPrivately(communities, type),
    /** Escaped names, ready for HTML texts. */
    typeOf: (r: { type: string }, locale: Locale) => escapeHtml(typeName(r.type, locale)),
    buildingOf: (r: { community_id: string; building_id: string }, locale: Locale) =>
      escapeHtml(buildingName(r.community_id, r.building_id, locale)),
    teamOf: (r: { community_id: string; team_id: string }, locale: Locale) => escapeHtml(teamName(r.community_id, r.team_id, locale)),
    /**
     * What is asked, as HTML: the words, or (told as a voice message, details '') "🎤 voice note (0:12)"
     * in the words of `voiceKey`. The length stays after /deleteme drops the voice itself.
     */
    detailsOf: (r: { details: string; voice_seconds: number | null }, locale: Locale, voiceKey = 'voice_note') =>
      [
        r.details ? escapeHtml(r.details) : '',
        r.voice_seconds !== null ? t(locale, voiceKey, { length: voiceLength(r.voice_seconds) }) : '',
      ]
        .filter(Boolean)
        .join(' '),
  };
}
