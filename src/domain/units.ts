import type { Executor } from '../store/db';
import { audit } from './audit';

/** Partner units (驻区单位): a name, a contact person (by invitation), the buildings of their frontage (门前三包). */

export const MAX_UNIT_NAME = 60;

export async function createUnit(
  db: Executor,
  now: number,
  u: { communityId: string; name: string; buildingIds: string[]; by: number },
): Promise<number> {
  const row = await db
    .insertInto('partner_units')
    .values({ community_id: u.communityId, name: u.name, contact_id: null, created_by: u.by, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  for (const b of new Set(u.buildingIds)) await db.insertInto('unit_frontage').values({ unit_id: id, building_id: b }).execute();
  await audit(db, now, u.by, 'unit.create', `unit:${id}`, { community: u.communityId });
  return id;
}

export function findUnit(db: Executor, id: number) {
  return db.selectFrom('partner_units').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The community's units with their frontage. */
export async function unitsOf(db: Executor, communityId: string) {
  const units = await db.selectFrom('partner_units').selectAll().where('community_id', '=', communityId).orderBy('id').execute();
  const frontage = units.length
    ? await db
        .selectFrom('unit_frontage')
        .selectAll()
        .where(
          'unit_id',
          'in',
          units.map((u) => u.id),
        )
        .execute()
    : [];
  return units.map((u) => ({ ...u, buildings: frontage.filter((f) => Number(f.unit_id) === Number(u.id)).map((f) => f.building_id) }));
}
