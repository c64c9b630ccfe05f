import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseHours } from '../domain/office-hours';
import type { Locale } from '../i18n';

/**
 * The community configuration: which communities a street office has, their buildings and
 * volunteer teams, the hazard categories with their SLAs, and the kinds of help offered.
 * Ids travel in deep links (`c-<community>-b-<building>`) and button payloads, so they are
 * short and use only a-z, 0-9 and _.
 */

const id = z.string().regex(/^[a-z0-9_]{1,16}$/, 'ids use a-z, 0-9 and _ (at most 16)');
const names = z.object({ 'zh-CN': z.string().min(1), 'zh-TW': z.string().min(1), en: z.string().min(1) });

const point = z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
/** A building's location (optional) lets a shared location be told as "near <building>". */
const building = z.object({ id, name: names, location: point.optional() });
/** A named spot of the community (a gate, a market entrance, a bus stop): a partner unit's frontage may name it. */
const spot = z.object({ id, name: names, location: point });
const team = z.object({ id, name: names, kind: z.enum(['party', 'patrol', 'environment', 'elder', 'youth', 'legal', 'repair', 'other']) });
/** Opening hours in the grammar of src/domain/office-hours.ts, e.g. "mon-fri 08:30-17:30; sat 09:00-12:00". */
const hours = z
  .string()
  .refine((s) => parseHours(s) !== undefined, 'hours look like "mon-fri 08:30-12:00 13:30-17:30; sat 09:00-12:00" or "closed"');
export const SERVICE_KINDS = ['committee', 'health', 'canteen', 'repair', 'legal', 'property', 'police', 'other'] as const;
/** A service point of /services (the committee's own office is one of kind "committee"). */
const servicePoint = z.object({
  id,
  kind: z.enum(SERVICE_KINDS),
  name: names,
  phone: z.string().max(40).default(''),
  hours,
  address: names.optional(),
  location: point.optional(),
});
/** A service of the service hall residents book with /book: each slot lasts durationMinutes and takes capacity people. */
const bookableService = z.object({
  id,
  name: names,
  durationMinutes: z.number().int().min(5).max(480),
  capacity: z.number().int().min(1).max(50),
  hours,
});
const community = z.object({
  id,
  name: names,
  buildings: z.array(building).min(1),
  spots: z.array(spot).default([]),
  teams: z.array(team).default([]),
  /** Where a location-less report or request is shown on a map; also the sandbox's default. */
  centre: point.optional(),
  servicePoints: z.array(servicePoint).default([]),
  bookableServices: z.array(bookableService).default([]),
  /** Local dates ("2026-10-01") on which service points and the service hall are closed. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are dates like 2026-10-01')).default([]),
});
const hazardCategory = z.object({
  id,
  name: names,
  emergency: z.boolean().default(false),
  /** What a resident should call right now, shown before an emergency report. */
  callNow: z.array(z.string()).default([]),
  slaAckHours: z.number().positive(),
  slaFixHours: z.number().positive(),
});
/** What a question to the committee (/ask) is about. */
const askTopic = z.object({ id, name: names });
const DEFAULT_ASK_TOPICS = [
  { id: 'property', name: { 'zh-CN': '物业与维修', 'zh-TW': '物業與維修', en: 'Property and repairs' } },
  { id: 'documents', name: { 'zh-CN': '证件与办事', 'zh-TW': '證件與辦事', en: 'Papers and procedures' } },
  { id: 'welfare', name: { 'zh-CN': '养老与救助', 'zh-TW': '養老與救助', en: 'Elder care and welfare' } },
  { id: 'neighbours', name: { 'zh-CN': '邻里与环境', 'zh-TW': '鄰里與環境', en: 'Neighbours and surroundings' } },
  { id: 'other', name: { 'zh-CN': '其他', 'zh-TW': '其他', en: 'Other' } },
];
const helpType = z.object({
  id,
  name: names,
  /** The kind of team whose group gets these tasks. */
  teamKind: team.shape.kind,
});

export const communityConfigSchema = z
  .object({
    streetOffice: z.object({ name: names }),
    communities: z.array(community).min(1),
    hazardCategories: z.array(hazardCategory).min(1),
    helpTypes: z.array(helpType).min(1),
    askTopics: z.array(askTopic).min(1).default(DEFAULT_ASK_TOPICS),
    settings: z
      .object({
        /** Same-issue detection: an open report within this distance or building, in these days. */
        duplicateRadiusMeters: z.number().positive().default(50),
        duplicateDays: z.number().positive().default(14),
        /** Emergency pages: minutes before escalating to the committee group, then repeating. */
        emergencyAckMinutes: z.number().positive().default(10),
        /** "Is it fixed?" unanswered this long closes the report as fixed. */
        fixConfirmDays: z.number().positive().default(3),
        /** A claimed task not started this many hours after the claim gets a check-in. */
        claimCheckinHours: z.number().positive().default(2),
        /** ...and is released if the check-in gets no answer in this many hours. */
        claimReleaseHours: z.number().positive().default(2),
        /** Hours a volunteer may correct alone; more needs the team lead. */
        hoursCorrectionLimit: z.number().positive().default(2),
        /** A report a building's grid worker (or a partner unit) got first goes to the committee group unacknowledged after this. */
        gridAckMinutes: z.number().positive().default(30),
        /** A location shared within this distance of a spot is "near" it (and goes to the unit whose frontage it is). */
        spotRadiusMeters: z.number().positive().default(50),
        /** Emergency pages: how many rounds each rung gets (on duty, all staff, admins). */
        pageRepeats: z.number().int().positive().default(2),
        /** A report handed upward: days until the outside body's answer is expected. */
        handUpAnswerDays: z.number().positive().default(7),
        /** A question (/ask) or a follow-up unanswered this many hours is overdue. */
        askSlaHours: z.number().positive().default(48),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const unique = (label: string, ids: string[], path: (string | number)[]) => {
      const seen = new Set<string>();
      for (const i of ids) {
        if (seen.has(i)) ctx.addIssue({ code: 'custom', path, message: `duplicate ${label} id "${i}"` });
        seen.add(i);
      }
    };
    unique(
      'community',
      cfg.communities.map((c) => c.id),
      ['communities'],
    );
    cfg.communities.forEach((c, i) => {
      unique(
        'building',
        c.buildings.map((b) => b.id),
        ['communities', i, 'buildings'],
      );
      unique(
        'spot',
        c.spots.map((s) => s.id),
        ['communities', i, 'spots'],
      );
      unique(
        'team',
        c.teams.map((t) => t.id),
        ['communities', i, 'teams'],
      );
      unique(
        'service point',
        c.servicePoints.map((p) => p.id),
        ['communities', i, 'servicePoints'],
      );
      unique(
        'bookable service',
        c.bookableServices.map((p) => p.id),
        ['communities', i, 'bookableServices'],
      );
    });
    unique(
      'hazard category',
      cfg.hazardCategories.map((c) => c.id),
      ['hazardCategories'],
    );
    unique(
      'help type',
      cfg.helpTypes.map((h) => h.id),
      ['helpTypes'],
    );
  });

export type CommunityConfig = z.infer<typeof communityConfigSchema>;
export type Community = CommunityConfig['communities'][number];
export type Building = Community['buildings'][number];
export type Spot = Community['spots'][number];
export type Team = Community['teams'][number];
export type HazardCategory = CommunityConfig['hazardCategories'][number];
export type HelpType = CommunityConfig['helpTypes'][number];
export type ServicePoint = Community['servicePoints'][number];
export type BookableService = Community['bookableServices'][number];
export type AskTopic = CommunityConfig['askTopics'][number];
export type Names = z.infer<typeof names>;
export type GeoPoint = z.infer<typeof point>;

/** Great-circle distance in metres. */
export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Farther than this from every building, a shared location is not "near" any of them. */
export const NEAR_BUILDING_METERS = 300;

export function loadCommunityConfig(path: string): CommunityConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Configuration error: COMMUNITY_CONFIG ${path} cannot be read as JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = communityConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Configuration error: COMMUNITY_CONFIG ${path} at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Lookups over the configuration, so callers never search the arrays by hand. */
export class Communities {
  constructor(readonly config: CommunityConfig) {}

  get all(): Community[] {
    return this.config.communities;
  }
  get settings() {
    return this.config.settings;
  }
  community(id: string): Community | undefined {
    return this.config.communities.find((c) => c.id === id);
  }
  building(communityId: string, buildingId: string): Building | undefined {
    return this.community(communityId)?.buildings.find((b) => b.id === buildingId);
  }
  /**
   * The community's building nearest to a shared location, among those whose location is
   * configured, if one is within `maxMeters`.
   */
  nearestBuilding(communityId: string, at: GeoPoint, maxMeters = NEAR_BUILDING_METERS): Building | undefined {
    let best: { building: Building; meters: number } | undefined;
    for (const b of this.community(communityId)?.buildings ?? []) {
      if (!b.location) continue;
      const meters = distanceMeters(at, b.location);
      if (meters <= maxMeters && (!best || meters < best.meters)) best = { building: b, meters };
    }
    return best?.building;
  }
  spot(communityId: string, spotId: string): Spot | undefined {
    return this.community(communityId)?.spots.find((s) => s.id === spotId);
  }
  /** The community's spot nearest to a shared location, if one is within `spotRadiusMeters`. */
  nearestSpot(communityId: string, at: GeoPoint): Spot | undefined {
    let best: { spot: Spot; meters: number } | undefined;
    for (const s of this.community(communityId)?.spots ?? []) {
      const meters = distanceMeters(at, s.location);
      if (meters <= this.settings.spotRadiusMeters && (!best || meters < best.meters)) best = { spot: s, meters };
    }
    return best?.spot;
  }
  team(communityId: string, teamId: string): Team | undefined {
    return this.community(communityId)?.teams.find((t) => t.id === teamId);
  }
  teamForKind(communityId: string, kind: Team['kind']): Team | undefined {
    return this.community(communityId)?.teams.find((t) => t.kind === kind);
  }
  hazardCategory(id: string): HazardCategory | undefined {
    return this.config.hazardCategories.find((c) => c.id === id);
  }
  helpType(id: string): HelpType | undefined {
    return this.config.helpTypes.find((h) => h.id === id);
  }
  servicePoint(communityId: string, pointId: string): ServicePoint | undefined {
    return this.community(communityId)?.servicePoints.find((p) => p.id === pointId);
  }
  bookableService(communityId: string, serviceId: string): BookableService | undefined {
    return this.community(communityId)?.bookableServices.find((s) => s.id === serviceId);
  }
  askTopic(id: string): AskTopic | undefined {
    return this.config.askTopics.find((t) => t.id === id);
  }
}

export function localName(n: Names, locale: Locale): string {
  return n[locale];
}
