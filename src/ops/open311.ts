import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Communities } from '../community/config';
import { publicId, parsePublicId } from '../domain/hazards';
import { OPEN_STATUSES } from '../domain/hazard-status';
import type { Locale } from '../i18n';
import type { Executor } from '../store/db';
import type { ReportStatus } from '../store/schema/hazards';

/**
 * Open311 GeoReport v2, read-only, JSON: the hazard categories as services and the reports as
 * service requests, for a city's system to collect (https://wiki.open311.org/GeoReport_v2).
 * - GET /open311/v2/services.json
 * - GET /open311/v2/requests.json?start_date=&end_date=&status=open,closed&service_code=a,b&jurisdiction_id=
 * - GET /open311/v2/requests/R-1042.json
 * No personal data: no reporter, no phone, and not the resident's own words (they may name
 * neighbours); the description is the category and the place, the address the named spot the
 * report was made at or else the building; lat/long only where the place is known (a shared
 * location, or the spot's or the building's configured one).
 * Withdrawn reports are left out. Dates are W3C date-times in UTC, to the second.
 */

const PREFIX = '/open311/v2/';
/** The spec's defaults: a 90-day window when no start date is given, at most 1000 results. */
const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1000;

export interface Open311Deps {
  db: Executor;
  communities: Communities;
  defaultLocale: Locale;
  now: () => number;
}

type Json = Record<string, unknown>;
class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' })
    .end(JSON.stringify(body));
}

/** The route: answers under /open311/v2/ and returns true, or returns false for anything else. */
export function open311Route(deps: Open311Deps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(PREFIX)) return false;
    if (req.method !== 'GET') return (void send(res, 405, [{ code: 405, description: 'read-only: GET only' }]), true);
    const path = url.pathname.slice(PREFIX.length);
    try {
      if (path === 'services.json') send(res, 200, services(deps, url.searchParams));
      else if (path === 'requests.json') send(res, 200, await requests(deps, url.searchParams));
      else if (/^requests\/[^/]+\.json$/.test(path)) {
        const id = parsePublicId(decodeURIComponent(path.slice('requests/'.length, -'.json'.length)));
        const found = id ? await requests(deps, url.searchParams, id) : [];
        send(res, found.length ? 200 : 404, found.length ? found : [{ code: 404, description: 'no such service request' }]);
      } else send(res, 404, [{ code: 404, description: 'not found (this endpoint serves JSON only)' }]);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      send(res, 400, [{ code: 400, description: err.message }]);
    }
    return true;
  };
}

/** jurisdiction_id names one community; without it, all of them. */
function jurisdictions(deps: Open311Deps, params: URLSearchParams): string[] {
  const j = params.get('jurisdiction_id');
  if (!j) return deps.communities.all.map((c) => c.id);
  if (!deps.communities.community(j)) throw new BadRequest(`unknown jurisdiction_id: ${j}`);
  return [j];
}

export function services(deps: Open311Deps, params: URLSearchParams): Json[] {
  jurisdictions(deps, params);
  const locale = deps.defaultLocale;
  return deps.communities.config.hazardCategories.map((c) => ({
    service_code: c.id,
    service_name: c.name[locale],
    description: c.name.en === c.name[locale] ? c.name.en : `${c.name[locale]} (${c.name.en})`,
    metadata: false,
    type: 'realtime',
    keywords: [c.name.en, c.emergency ? 'emergency' : 'hazard'].join(','),
    group: c.emergency ? 'emergency' : 'hazard',
  }));
}

/** "2031-03-04T02:00:00Z": the spec's W3C date-time, to the second. */
const w3cTime = (ms: number) => new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');

const isOpen = (s: ReportStatus) => (OPEN_STATUSES as readonly string[]).includes(s);

function dateParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (!value) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new BadRequest(`${name} is not a W3C date-time: ${value}`);
  return at;
}

function listParam(params: URLSearchParams, name: string, allowed?: readonly string[]): string[] | undefined {
  const value = params.get(name);
  if (!value) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = allowed ? items.filter((i) => !allowed.includes(i)) : [];
  if (bad.length) throw new BadRequest(`${name} may be ${allowed!.join(' or ')}, not ${bad.join(',')}`);
  return items;
}

export async function requests(deps: Open311Deps, params: URLSearchParams, onlyId?: number): Promise<Json[]> {
  const communityIds = jurisdictions(deps, params);
  const end = dateParam(params, 'end_date') ?? deps.now();
  const start = dateParam(params, 'start_date') ?? end - DEFAULT_DAYS * 86_400_000;
  const status = listParam(params, 'status', ['open', 'closed']);
  const codes = listParam(params, 'service_code');
  let q = deps.db
    .selectFrom('reports')
    .select([
      'id',
      'community_id',
      'category',
      'status',
      'building_id',
      'spot_id',
      'latitude',
      'longitude',
      'created_at',
      'updated_at',
      'handed_to',
    ])
    .where('community_id', 'in', communityIds)
    .where('status', '!=', 'withdrawn');
  if (onlyId !== undefined) q = q.where('id', '=', onlyId);
  else q = q.where('created_at', '>=', start).where('created_at', '<=', end);
  if (codes) q = q.where('category', 'in', codes);
  if (status && status.length === 1) q = q.where('status', status[0] === 'open' ? 'in' : 'not in', [...OPEN_STATUSES]);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MAX_RESULTS).execute();
  return rows.map((r) => serviceRequest(deps, r));
}

function serviceRequest(
  deps: Open311Deps,
  r: {
    id: number;
    community_id: string;
    category: string;
    status: ReportStatus;
    building_id: string | null;
    spot_id?: string | null;
    latitude: number | null;
    longitude: number | null;
    created_at: number;
    updated_at: number;
    handed_to: string | null;
  },
): Json {
  const locale = deps.defaultLocale;
  const community = deps.communities.community(r.community_id);
  const building = r.building_id ? deps.communities.building(r.community_id, r.building_id) : undefined;
  // A report made at a named spot (a bus stop, a market gate) is there, not in its nearest building.
  const place = (r.spot_id ? deps.communities.spot(r.community_id, r.spot_id) : undefined) ?? building;
  const category = deps.communities.hazardCategory(r.category)?.name[locale] ?? r.category;
  // Only a known place: the location shared, else the spot's or building's configured one. The community's
  // centre is where the plan draws what has no place, not where the hazard is: lat/long are then
  // left out (the spec makes them optional), so a city's map does not pile them on one point.
  const point = r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : place?.location;
  const address = [community?.name[locale], place?.name[locale]].filter(Boolean).join(' ');
  return {
    service_request_id: publicId(r.id),
    status: isOpen(r.status) ? 'open' : 'closed',
    status_notes: r.status,
    service_name: category,
    service_code: r.category,
    description: place ? `${category} · ${place.name[locale]}` : category,
    agency_responsible: community?.name[locale] ?? r.community_id,
    service_notice: r.handed_to ? `handed up: ${r.handed_to}` : null,
    requested_datetime: w3cTime(r.created_at),
    updated_datetime: w3cTime(r.updated_at),
    expected_datetime: null,
    address: address || null,
    // The building's: an address repository knows buildings, not a community's named spots.
    address_id: r.building_id ? `${r.community_id}/${r.building_id}` : null,
    zipcode: null,
    ...(point && { lat: point.latitude, long: point.longitude }),
    media_url: null,
  };
}
