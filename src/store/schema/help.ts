import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables in migrations/003_help.ts (and 006_help_approval.ts, 008_voice.ts). Times are epoch milliseconds, flags 0/1. */

export type TeamRole = 'member' | 'lead';
export type MemberStatus = 'pending' | 'approved' | 'declined';
/** pending: waiting for staff approval; active: approved, its tasks go to the team group. */
export type RequestStatus = 'pending' | 'active' | 'closed' | 'cancelled' | 'declined';
export type TaskStatus = 'open' | 'claimed' | 'started' | 'done' | 'cancelled' | 'released' | 'escalated';

export interface TeamMembersTable {
  id: Generated<number>;
  /** Null once the volunteer erased their data; the row stays for the counts. */
  user_id: number | null;
  community_id: string;
  team_id: string;
  role: TeamRole;
  status: MemberStatus;
  skills: string | null;
  availability: string | null;
  phone: string | null;
  /** 1: the group may see their first name on a claimed card. */
  agreed_to_be_named: number;
  created_at: number;
  decided_at: number | null;
  decided_by: number | null;
}

export interface HelpRequestsTable {
  id: Generated<number>;
  community_id: string;
  building_id: string;
  team_id: string;
  /** Who filed it (a resident, or staff filing for someone who phoned in); null after /deleteme. */
  requester_id: number | null;
  /** The person helped when it is not the requester (an elderly neighbour without Telegram). */
  on_behalf_name: string | null;
  on_behalf_phone: string | null;
  type: string;
  /** '' when the details were given as a voice note (voice_file_id). */
  details: string;
  /** A voice note given as the details: its Telegram file_id and length in seconds. */
  voice_file_id: string | null;
  voice_seconds: number | null;
  /** Later notes from the requester, one per line (a voice note is a "🎤 0:12" line and a help_voice_notes row). */
  notes: string;
  urgent: number;
  window_start: number | null;
  window_end: number | null;
  unit: string | null;
  address: string | null;
  phone: string | null;
  status: RequestStatus;
  /** Staff who approved or declined it (the filer, for staff-filed requests). */
  decided_by: number | null;
  decided_at: number | null;
  /** A preset reason's code (see DECLINE_REASONS) or the words staff wrote. */
  decline_reason: string | null;
  /** When staff were reminded that it still waits for approval (once). */
  approval_reminded_at: number | null;
  /** Added by 024: the update whose press filed it (null: filed otherwise). */
  update_id?: number | null;
  /** Added by 014_grid: the building's grid worker, who got the approval card first, and when it falls back to staff. */
  responder_id: number | null;
  group_due_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface TasksTable {
  id: Generated<number>;
  request_id: number;
  community_id: string;
  team_id: string;
  status: TaskStatus;
  window_start: number | null;
  window_end: number | null;
  claimed_by: number | null;
  claimed_at: number | null;
  /** When a claim not yet started gets its check-in. */
  checkin_due_at: number | null;
  checkin_sent_at: number | null;
  checkin_ok_at: number | null;
  started_at: number | null;
  done_at: number | null;
  done_note: string | null;
  done_photo: string | null;
  released_count: number;
  created_at: number;
  updated_at: number;
}

/** One line per status change, for the weekly summary's counts. */
export interface TaskEventsTable {
  id: Generated<number>;
  task_id: number;
  community_id: string;
  kind: TaskStatus;
  actor_id: number | null;
  at: number;
}

export interface RatingsTable {
  id: Generated<number>;
  task_id: number;
  community_id: string;
  rater_id: number | null;
  score: number;
  comment: string | null;
  created_at: number;
}

export interface HoursTable {
  id: Generated<number>;
  volunteer_id: number | null;
  community_id: string;
  task_id: number | null;
  shift_id: number | null;
  /** Measured from Start to Done. */
  minutes: number;
  /** The volunteer's correction, when they made one. */
  corrected_minutes: number | null;
  /** 0 while a large correction waits for the team lead. */
  approved: number;
  at: number;
}

export interface RecurrencesTable {
  id: Generated<number>;
  request_id: number;
  every: 'week' | 'month';
  /** The window start of the next occurrence. */
  next_at: number;
  active: number;
  created_by: number | null;
  created_at: number;
}

export interface ShiftsTable {
  id: Generated<number>;
  community_id: string;
  team_id: string;
  zone: string;
  starts_at: number;
  ends_at: number;
  places: number;
  taken: number;
  created_by: number | null;
  created_at: number;
  /** When the lead (or each member) was asked who came (migration 009). */
  attendance_asked_at: ColumnType<number | null, number | null | undefined>;
  /** When attendance was confirmed, or its deadline passed and the list was credited. */
  attendance_closed_at: ColumnType<number | null, number | null | undefined>;
}

export interface ShiftMembersTable {
  shift_id: number;
  user_id: number;
  joined_at: number;
  eve_reminded_at: ColumnType<number | null, number | null | undefined>;
  hour_reminded_at: ColumnType<number | null, number | null | undefined>;
  /** NULL not said yet, 1 came, 0 did not. */
  attended: ColumnType<number | null, number | null | undefined>;
  credited_at: ColumnType<number | null, number | null | undefined>;
}

/** Who pressed Join on a full shift: told privately when a place opens. */
export interface ShiftWaitersTable {
  shift_id: number;
  user_id: number;
  at: number;
}

/** A voice note the requester added to a request later (help_requests.notes is one text column). */
export interface HelpVoiceNotesTable {
  id: Generated<number>;
  request_id: number;
  file_id: string;
  seconds: number;
  at: number;
}

export interface HelpTables {
  team_members: TeamMembersTable;
  help_requests: HelpRequestsTable;
  help_voice_notes: HelpVoiceNotesTable;
  tasks: TasksTable;
  task_events: TaskEventsTable;
  ratings: RatingsTable;
  hours: HoursTable;
  recurrences: RecurrencesTable;
  shifts: ShiftsTable;
  shift_members: ShiftMembersTable;
  shift_waiters: ShiftWaitersTable;
}
