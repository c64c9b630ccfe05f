import type { Generated } from 'kysely';

/** Row types of the tables in migrations/002_hazards.ts (and 008_voice.ts). Times are epoch milliseconds. */

export type ReportStatus =
  'new' | 'acknowledged' | 'assigned' | 'in_progress' | 'fixed' | 'closed' | 'rejected' | 'handed_up' | 'withdrawn' | 'reopened';

export interface ReportsTable {
  id: Generated<number>;
  community_id: string;
  category: string;
  emergency: number;
  status: ReportStatus;
  /** '' when the description was given as a voice note (voice_file_id). */
  description: string;
  /** A voice note given as the description: its Telegram file_id and length in seconds. */
  voice_file_id: string | null;
  voice_seconds: number | null;
  building_id: string | null;
  spot: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Null once the reporter erased their data (/deleteme): the report stays as a count. */
  reporter_id: number | null;
  /** The staff member or team the report is assigned to. */
  owner_id: number | null;
  team_id: string | null;
  /** Handed upward: to whom ('street' | 'city') and their reference. */
  handed_to: string | null;
  handed_ref: string | null;
  reject_reason: string | null;
  duplicate_of: number | null;
  fix_note: string | null;
  /** The reporter's answer to "Is it fixed?" (yes | partly | no), rating 1–5, comment. */
  fix_answer: string | null;
  rating: number | null;
  rating_comment: string | null;
  created_at: number;
  updated_at: number;
  acknowledged_at: number | null;
  fixed_at: number | null;
  closed_at: number | null;
  /** Set once the SLA was missed and the committee group told (so it is told once). */
  ack_overdue_at: number | null;
  fix_overdue_at: number | null;
  /** Emergency pages: when the next escalation is due (null once acknowledged) and how many were sent. */
  page_due_at: number | null;
  /** Added by 021: the update whose Submit press filed it (once per update, see submitReport). */
  update_id?: number | null;
  /** Added by 022: the configured spot a shared location was near (a partner unit's frontage may name it). */
  spot_id?: string | null;
  page_count: Generated<number>;
  /** Added by 014_grid: who got the report first, privately (a grid worker or a partner unit's contact). */
  responder_id: number | null;
  /** While the first responder has it: when it falls back to the committee group unacknowledged. */
  group_due_at: number | null;
  /** When its card went to the committee group after being the responder's first (null: from the start, or never). */
  grouped_at: number | null;
  /** The escalation ladder: which SLA it climbs for (ack | fix), the last rung reached (0 none) and when. */
  ladder_kind: string | null;
  ladder_step: Generated<number>;
  ladder_at: number | null;
}

export interface ReportPhotosTable {
  id: Generated<number>;
  report_id: number;
  file_id: string;
  /** 'report' (with the report or added later) or 'fix' (staff's proof). */
  kind: 'report' | 'fix';
  added_by: number | null;
  added_at: number;
}

export interface ReportEventsTable {
  id: Generated<number>;
  report_id: number;
  at: number;
  /** Null for the system (timeouts) and after the person erased their data. */
  actor_id: number | null;
  /** A transition name from src/domain/hazard-status.ts, or note / photo / support. */
  action: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  /** A note given as a voice message. */
  voice_file_id: string | null;
  voice_seconds: number | null;
}

export interface ReportFollowersTable {
  report_id: number;
  user_id: number;
  kind: 'reporter' | 'supporter';
  at: number;
}

export interface HazardTables {
  reports: ReportsTable;
  report_photos: ReportPhotosTable;
  report_events: ReportEventsTable;
  report_followers: ReportFollowersTable;
}
