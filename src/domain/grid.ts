import type { Db, Executor } from '../store/db';
import type { GridKind } from '../store/schema/grid';
import { audit } from './audit';

/**
 * Who answers for a place (大综管网格): each building's grid worker (网格员) and building head
 * (楼长), and the partner units (驻区单位) whose frontage (门前三包) covers it. Plain queries; the
 * routing, the ladder and the authz checks all read these.
 */

export type { GridKind };
export const GRID_KINDS: readonly GridKind[] = ['worker', 'head'];

/** The escalation ladder's rungs, in order (features/grid/services/ladder.ts climbs them). */
export const LADDER_RUNGS = ['responder', 'group', 'head', 'admins'] as const;
export type Rung = (typeof LADDER_RUNGS)[number];

/** Who gets a report of a place first, privately: a partner unit's contact, or the building's grid worker. */
export interface Responder {
  userId: number;
  kind: 'unit' | 'grid';
  unitId?: number;
}

export function gridRolesIn(db: Executor, communityId: string) {
  return db.selectFrom('grid_roles').selectAll().where('community_id', '=', communityId).execute();
}

/** Makes someone the building's grid worker or head (a later invitation replaces the earlier person). */
export async function setGridRole(
  db: Executor,
  now: number,
  r: { communityId: string; buildingId: string; kind: GridKind; userId: number },
): Promise<void> {
  await db
    .insertInto('grid_roles')
    .values({ community_id: r.communityId, building_id: r.buildingId, kind: r.kind, user_id: r.userId, since: now })
    .onConflict((oc) => oc.columns(['community_id', 'building_id', 'kind']).doUpdateSet({ user_id: r.userId, since: now }))
    .execute();
  await audit(db, now, r.userId, `grid.${r.kind}`, `building:${r.communityId}:${r.buildingId}`);
}

/**
 * Takes a building's grid duty back (staff, from /staff), if that person still holds it: what was
 * waiting on them privately goes to the committee group at the next minute's fallback run.
 */
export async function revokeGridRole(
  db: Db,
  now: number,
  by: number,
  r: { communityId: string; buildingId: string; kind: GridKind; userId: number },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('grid_roles')
      .where('community_id', '=', r.communityId)
      .where('building_id', '=', r.buildingId)
      .where('kind', '=', r.kind)
      .where('user_id', '=', r.userId)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) return false;
    for (const table of ['reports', 'questions'] as const)
      await tx
        .updateTable(table)
        .set({ group_due_at: now })
        .where('responder_id', '=', r.userId)
        .where('community_id', '=', r.communityId)
        .where('group_due_at', 'is not', null)
        .execute();
    await audit(tx, now, by, `grid.${r.kind}.revoke`, `building:${r.communityId}:${r.buildingId}`, { user: r.userId });
    return true;
  });
}

export async function gridPersonOf(db: Executor, communityId: string, buildingId: string, kind: GridKind): Promise<number | undefined> {
  const row = await db
    .selectFrom('grid_roles')
    .select('user_id')
    .where('community_id', '=', communityId)
    .where('building_id', '=', buildingId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row ? Number(row.user_id) : undefined;
}

/** A community's partner units with a contact who accepted the invitation, the first made first. */
const contactedUnits = (db: Executor, communityId: string) =>
  db
    .selectFrom('partner_units')
    .select(['partner_units.id', 'partner_units.contact_id'])
    .where('partner_units.community_id', '=', communityId)
    .where('partner_units.contact_id', 'is not', null)
    .orderBy('partner_units.id');

/** The partner units whose frontage covers a building, with a contact who accepted the invitation. */
export function unitsCovering(db: Executor, communityId: string, buildingId: string) {
  return contactedUnits(db, communityId)
    .innerJoin('unit_frontage', 'unit_frontage.unit_id', 'partner_units.id')
    .where('unit_frontage.building_id', '=', buildingId)
    .execute();
}

/** The partner units whose frontage names a spot, with a contact who accepted the invitation. */
function unitsAtSpot(db: Executor, communityId: string, spotId: string) {
  return contactedUnits(db, communityId)
    .innerJoin('unit_spots', 'unit_spots.unit_id', 'partner_units.id')
    .where('unit_spots.spot_id', '=', spotId)
    .execute();
}

/**
 * The first responder of a place: the unit whose frontage names its spot (a report shared near a
 * market entrance is the market's, whichever building is nearest), else the unit whose frontage
 * is the building, else the building's grid worker; undefined when nobody is named (the committee
 * group has it at once).
 */
export async function firstResponder(
  db: Executor,
  communityId: string,
  buildingId: string | null | undefined,
  spotId?: string | null,
): Promise<Responder | undefined> {
  const [atSpot] = spotId ? await unitsAtSpot(db, communityId, spotId) : [];
  if (atSpot?.contact_id) return { userId: Number(atSpot.contact_id), kind: 'unit', unitId: Number(atSpot.id) };
  if (!buildingId) return undefined;
  const [unit] = await unitsCovering(db, communityId, buildingId);
  if (unit?.contact_id) return { userId: Number(unit.contact_id), kind: 'unit', unitId: Number(unit.id) };
  const worker = await gridPersonOf(db, communityId, buildingId, 'worker');
  return worker ? { userId: worker, kind: 'grid' } : undefined;
}

/** A place someone answers for: a building, or (a unit's contact) a spot of its frontage. */
export interface Place {
  communityId: string;
  buildingId?: string;
  spotId?: string;
  via: 'grid' | 'unit';
}

/** The places someone answers for: buildings as grid worker, frontage buildings and spots as a unit's contact. */
export async function placesOf(db: Executor, userId: number): Promise<Place[]> {
  const grid = await db
    .selectFrom('grid_roles')
    .select(['community_id', 'building_id'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'worker')
    .execute();
  const units = await db
    .selectFrom('partner_units')
    .innerJoin('unit_frontage', 'unit_frontage.unit_id', 'partner_units.id')
    .select(['partner_units.community_id', 'unit_frontage.building_id'])
    .where('partner_units.contact_id', '=', userId)
    .execute();
  const spots = await db
    .selectFrom('partner_units')
    .innerJoin('unit_spots', 'unit_spots.unit_id', 'partner_units.id')
    .select(['partner_units.community_id', 'unit_spots.spot_id'])
    .where('partner_units.contact_id', '=', userId)
    .execute();
  return [
    ...grid.map((g) => ({ communityId: g.community_id, buildingId: g.building_id, via: 'grid' as const })),
    ...units.map((u) => ({ communityId: u.community_id, buildingId: u.building_id, via: 'unit' as const })),
    ...spots.map((u) => ({ communityId: u.community_id, spotId: u.spot_id, via: 'unit' as const })),
  ];
}

/** The buildings someone is building head of (/mydata: a head answers for nothing, but is told of its reports). */
export function buildingsHeadedBy(db: Executor, userId: number) {
  return db
    .selectFrom('grid_roles')
    .select(['community_id', 'building_id'])
    .where('user_id', '=', userId)
    .where('kind', '=', 'head')
    .execute();
}

/** Is the report at this place: its building, or the spot its shared location was near? */
export function placeCovers(p: Place, r: { community_id: string; building_id: string | null; spot_id?: string | null }): boolean {
  if (p.communityId !== r.community_id) return false;
  return p.spotId ? p.spotId === r.spot_id : Boolean(r.building_id) && p.buildingId === r.building_id;
}

/**
 * May this person act on the report as staff would, without being staff? Its grid worker and
 * the contact of the unit whose frontage it is (its building or its spot) may; anyone else (a
 * unit's contact elsewhere) may not.
 */
export async function answersFor(
  db: Executor,
  userId: number,
  r: { community_id: string; building_id: string | null; spot_id?: string | null; responder_id?: number | null },
): Promise<boolean> {
  if (!r.building_id && !r.spot_id) return false;
  const places = await placesOf(db, userId);
  return places.some((p) => placeCovers(p, r));
}

/** What an invitation's grant makes its opener: a building's grid worker or head, or a unit's contact. */
export function grantKind(grants: string): GridKind | 'unit' {
  return grants.startsWith('unit:') ? 'unit' : grants.split(':')[1] === 'head' ? 'head' : 'worker';
}

/** Is this person the grid worker of the building a help request is for (who may approve or decline it)? */
export async function isGridWorkerOf(db: Executor, userId: number, r: { community_id: string; building_id: string }): Promise<boolean> {
  return (await gridPersonOf(db, r.community_id, r.building_id, 'worker')) === userId;
}

/** Applies what an accepted invitation grants: `grid:<kind>:<building>` or `unit:<id>`. */
export async function applyGrant(db: Executor, now: number, userId: number, communityId: string, grants: string): Promise<void> {
  const grid = /^grid:(worker|head):([a-z0-9_]{1,16})$/.exec(grants);
  if (grid) return setGridRole(db, now, { communityId, buildingId: grid[2], kind: grid[1] as GridKind, userId });
  const unit = /^unit:(\d+)$/.exec(grants);
  if (unit) {
    await db
      .updateTable('partner_units')
      .set({ contact_id: userId })
      .where('id', '=', Number(unit[1]))
      .where('community_id', '=', communityId)
      .execute();
    await audit(db, now, userId, 'unit.contact', `unit:${unit[1]}`);
  }
}

/** The community's head (a staff flag), the ladder's third rung. */
export async function communityHeads(db: Executor, communityId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('community_id', '=', communityId)
    .where('role', '=', 'staff')
    .where('community_head', '=', 1)
    .execute();
  return rows.map((r) => Number(r.id));
}

/** /deleteme: the person answers for no building and no unit any more. */
export async function eraseResponder(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('grid_roles').where('user_id', '=', userId).execute();
  await db.updateTable('partner_units').set({ contact_id: null }).where('contact_id', '=', userId).execute();
  await db.deleteFrom('duty_slots').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('duty_handovers')
    .where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)]))
    .execute();
  await db.updateTable('partner_units').set({ created_by: null }).where('created_by', '=', userId).execute();
  await db.updateTable('reports').set({ responder_id: null }).where('responder_id', '=', userId).execute();
  await db.updateTable('questions').set({ responder_id: null }).where('responder_id', '=', userId).execute();
}

/** A building's contact on a household's contact card (电话联系卡): who holds the duty, by their Telegram name. */
export interface BuildingContact {
  kind: GridKind;
  name: string;
  username: string | null;
}

/** The building's grid worker, then its building head, whoever of them is named. */
export async function buildingContacts(db: Executor, communityId: string, buildingId: string): Promise<BuildingContact[]> {
  const rows = await db
    .selectFrom('grid_roles')
    .innerJoin('users', 'users.id', 'grid_roles.user_id')
    .select(['grid_roles.kind', 'users.first_name', 'users.username'])
    .where('grid_roles.community_id', '=', communityId)
    .where('grid_roles.building_id', '=', buildingId)
    .execute();
  return rows
    .map((r) => ({ kind: r.kind, name: r.first_name, username: r.username }))
    .sort((a, b) => GRID_KINDS.indexOf(a.kind) - GRID_KINDS.indexOf(b.kind));
}
