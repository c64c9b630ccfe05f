import type { Db, Executor } from '../store/db';
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

/** One transaction: a unit is never left without its frontage, nor registered without its audit. */
export function createUnit(
  db: Db,
  now: number,
  u: { communityId: string; name: string; buildingIds: string[]; spotIds?: string[]; by: number },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('partner_units')
      .values({ community_id: u.communityId, name: u.name, contact_id: null, created_by: u.by, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await insertFrontage(tx, id, { buildingIds: u.buildingIds, spotIds: u.spotIds ?? [] });
    await audit(tx, now, u.by, 'unit.create', `unit:${id}`, { community: u.communityId });
    return id;
  });
}

async function insertFrontage(db: Executor, unitId: number, f: Frontage): Promise<void> {
  for (const b of new Set(f.buildingIds)) await db.insertInto('unit_frontage').values({ unit_id: unitId, building_id: b }).execute();
  for (const s of new Set(f.spotIds)) await db.insertInto('unit_spots').values({ unit_id: unitId, spot_id: s }).execute();
}

/**
 * /units → Frontage: replaces a unit's buildings and spots. Reports already made stay with whoever
 * has them; new ones route by the new frontage. One transaction: two staff saving at once would
 * otherwise interleave their deletes and inserts (the second insert meeting the first's rows),
 * and a crash after the deletes would leave the unit with no frontage at all.
 */
export function setFrontage(db: Db, now: number, unitId: number, f: Frontage, by: number): Promise<void> {
  return db.transaction().execute(async (tx) => {
    // A no-op write takes the unit's row lock: a second saver on PostgreSQL waits here until the first
    // commits, so its deletes then see the first one's rows (SQLite's one connection queues anyway).
    await tx
      .updateTable('partner_units')
      .set((eb) => ({ name: eb.ref('name') }))
      .where('id', '=', unitId)
      .execute();
    await tx.deleteFrom('unit_frontage').where('unit_id', '=', unitId).execute();
    await tx.deleteFrom('unit_spots').where('unit_id', '=', unitId).execute();
    await insertFrontage(tx, unitId, f);
    await audit(tx, now, by, 'unit.frontage', `unit:${unitId}`, { buildings: f.buildingIds, spots: f.spotIds });
  });
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
