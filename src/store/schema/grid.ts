import type { Generated } from 'kysely';

/** Row types of the tables in migrations/014_grid.ts. Times are epoch milliseconds. */

export type GridKind = 'worker' | 'head';

export interface GridRolesTable {
  community_id: string;
  building_id: string;
  kind: GridKind;
  user_id: number;
  since: number;
}

export type DutyPeriod = 'day' | 'night';

export interface DutySlotsTable {
  community_id: string;
  /** 1 Monday … 7 Sunday, in the configured time zone. */
  weekday: number;
  period: DutyPeriod;
  user_id: number;
  updated_at: number;
}

export interface DutyHandoversTable {
  id: Generated<number>;
  community_id: string;
  weekday: number;
  period: DutyPeriod;
  from_id: number;
  to_id: number;
  status: 'pending' | 'accepted' | 'declined';
  created_at: number;
  decided_at: number | null;
}

export interface PartnerUnitsTable {
  id: Generated<number>;
  community_id: string;
  name: string;
  /** Null until someone accepts the contact's invitation (or after they erased their data). */
  contact_id: number | null;
  created_by: number | null;
  created_at: number;
}

export interface UnitFrontageTable {
  unit_id: number;
  building_id: string;
}

/** A named spot of a unit's frontage (migrations/022_frontage_spots.ts; the spot is in the community config). */
export interface UnitSpotsTable {
  unit_id: number;
  spot_id: string;
}

export type HandUpAnswer = 'fixed' | 'refused' | 'pending';

export interface HandUpsTable {
  report_id: number;
  community_id: string;
  handed_to: string;
  handed_at: number;
  /** The date first expected: "answered in time" is measured against it. */
  first_expected_at: number;
  /** The date now expected (moved on by a "still pending" answer). */
  expected_at: number;
  reminded_at: number | null;
  answer: HandUpAnswer | null;
  answer_note: string | null;
  /** Set by a final answer (fixed or refused). */
  answered_at: number | null;
}

export interface GridTables {
  grid_roles: GridRolesTable;
  duty_slots: DutySlotsTable;
  duty_handovers: DutyHandoversTable;
  partner_units: PartnerUnitsTable;
  unit_frontage: UnitFrontageTable;
  unit_spots: UnitSpotsTable;
  hand_ups: HandUpsTable;
}
