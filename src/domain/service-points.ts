import type { Communities, ServicePoint } from '../community/config';
import type { Executor } from '../store/db';
import { audit } from './audit';
import { isOpenAt, parseHours } from './office-hours';

/**
 * The service directory: the config's service points with what staff changed in chat (hours,
 * phone) laid over them, and whether each is open at a moment.
 */

export interface PointNow extends ServicePoint {
  open: boolean;
}

export type PointField = 'hours' | 'phone';

export async function servicePoints(
  db: Executor,
  communities: Communities,
  communityId: string,
  at: number,
  timeZone: string,
): Promise<PointNow[]> {
  const community = communities.community(communityId);
  if (!community) return [];
  const overrides = await db.selectFrom('service_point_overrides').selectAll().where('community_id', '=', communityId).execute();
  return community.servicePoints.map((p) => {
    const o = overrides.find((x) => x.point_id === p.id);
    const point = { ...p, hours: o?.hours ?? p.hours, phone: o?.phone ?? p.phone };
    return { ...point, open: isOpenAt(parseHours(point.hours) ?? [], at, timeZone, community.holidays) };
  });
}

/** Staff change a point's hours or phone; the value is checked by the caller (parseHours for hours). */
export async function updateServicePoint(
  db: Executor,
  now: number,
  p: { communityId: string; pointId: string; field: PointField; value: string; by: number },
): Promise<void> {
  const set = p.field === 'hours' ? { hours: p.value } : { phone: p.value };
  await db
    .insertInto('service_point_overrides')
    .values({ community_id: p.communityId, point_id: p.pointId, hours: null, phone: null, ...set, updated_by: p.by, updated_at: now })
    .onConflict((oc) => oc.columns(['community_id', 'point_id']).doUpdateSet({ ...set, updated_by: p.by, updated_at: now }))
    .execute();
  await audit(db, now, p.by, `service.${p.field}`, `service:${p.communityId}:${p.pointId}`, { value: p.value });
}
