import { firstResponder, gridPersonOf, type Responder } from '../../../domain/grid';
import type { Executor } from '../../../store/db';

/**
 * The routing rule other features call (no telegraf): who gets something new about a place first,
 * privately, before the committee group.
 *
 * `firstResponderFor(db, communityId, buildingId, spotId)` answers the contact of the partner unit
 * whose frontage names the spot (a configured spot the shared location was near), else the one
 * whose frontage covers the building, else the building's grid worker, else undefined (then it goes to
 * the committee group at once, as before). Hazard reports use it (hazards/services.ts submitReport);
 * the caller gives the responder the staff buttons and sets its own fallback to the group after
 * `communities.settings.gridAckMinutes` unacknowledged (see the `grid.fallback` job).
 */
export function firstResponderFor(
  db: Executor,
  communityId: string,
  buildingId: string | null | undefined,
  spotId?: string | null,
): Promise<Responder | undefined> {
  return firstResponder(db, communityId, buildingId, spotId);
}

export type { Responder };

/**
 * Who gets a resident's question first: the building's grid worker alone. A partner unit answers
 * for the hazards of its frontage, not for residents' questions, so it is passed over here.
 */
export async function gridWorkerFor(db: Executor, communityId: string, buildingId: string | null | undefined): Promise<number | undefined> {
  return buildingId ? gridPersonOf(db, communityId, buildingId, 'worker') : undefined;
}
