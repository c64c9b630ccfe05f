import type { Executor } from '../store/db';
import { audit } from './audit';

/**
 * Partner units (驻区单位): a name, a contact person (by invitation), the buildings and named
 * spots (community config `spots`) of their frontage (门前三包).
 */

export const MAX_UNIT_NAME = 60;

/** A unit's frontage: buildings and spots, by their configured ids. */
export interface Frontage {
  buildingIds: string[];
  spotIds: string[];
}

export async function createUnit(
  db: Executor,
  now: number,
  u: { communityId: string; name: string; buildingIds: string[]; spotIds?: string[]; by: number },
): Promise<number> {
  const row = await db
    .insertInto('partner_units')
    .values({ community_id: u.communityId, name: u.name, contact_id: null, created_by: u.by, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await insertFrontage(db, id, { buildingIds: u.buildingIds, spotIds: u.spotIds ?? [] });
  await audit(db, now, u.by, 'unit.create', `unit:${id}`, { community: u.communityId });
  return id;
}

async function insertFrontage(db: Executor, unitId: number, f: Frontage): Promise<void> {
  for (const b of new Set(f.buildingIds)) await db.insertInto('unit_frontage').values({ unit_id: unitId, building_id: b }).execute();
  for (const s of new Set(f.spotIds)) await db.insertInto('unit_spots').values({ unit_id: unitId, spot_id: s }).execute();
}

/**
 * /units → Frontage: replaces a unit's buildings and spots. Reports already made stay with whoever
 * has them; new ones route by the new frontage.
 */
export async function setFrontage(db: Executor, now: number, unitId: number, f: Frontage, by: number): Promise<void> {
  await db.deleteFrom('unit_frontage').where('unit_id', '=', unitId).execute();
  await db.deleteFrom('unit_spots').where('unit_id', '=', unitId).execute();
  await insertFrontage(db, unitId, f);
  await audit(db, now, by, 'unit.frontage', `unit:${unitId}`, { buildings: f.buildingIds, spots: f.spotIds });
}

export function findUnit(db: Executor, id: number) {
  return db.selectFrom('partner_units').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The community's units with their frontage (buildings and spots). */
export async function unitsOf(db: Executor, communityId: string) {
  const units = await db.selectFrom('partner_units').selectAll().where('community_id', '=', communityId).orderBy('id').execute();
  const ids = units.map((u) => u.id);
  const frontage = ids.length ? await db.selectFrom('unit_frontage').selectAll().where('unit_id', 'in', ids).execute() : [];
  const spots = ids.length ? await db.selectFrom('unit_spots').selectAll().where('unit_id', 'in', ids).execute() : [];
  const of = (u: { id: number }) => (f: { unit_id: number }) => Number(f.unit_id) === Number(u.id);
  return units.map((u) => ({
    ...u,
    buildings: frontage.filter(of(u)).map((f) => f.building_id),
    spots: spots.filter(of(u)).map((s) => s.spot_id),
  }));
}
