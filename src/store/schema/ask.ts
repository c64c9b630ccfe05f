import type { Generated } from 'kysely';

/** Row types of the tables in migrations/013_ask.ts. Times are epoch milliseconds. */

export type QuestionKind = 'question' | 'suggestion';
export type QuestionStatus = 'open' | 'answered' | 'closed';
export type BookingStatus = 'booked' | 'cancelled' | 'attended' | 'no_show';

export interface QuestionsTable {
  id: Generated<number>;
  community_id: string;
  building_id: string;
  /** Null after /deleteme; the row stays for the counts. */
  asker_id: number | null;
  kind: QuestionKind;
  topic: string;
  status: QuestionStatus;
  created_at: number;
  /** When the current wait for staff began: the question, or the latest follow-up. */
  waiting_since: number;
  first_answered_at: number | null;
  answered_at: number | null;
  answered_by: number | null;
  overdue_at: number | null;
  /** When the resident said "That answers it". */
  resolved_at: number | null;
  /** 1 + the number of follow-ups. */
  rounds: Generated<number>;
  /** Added by 019: the building's grid worker who has the card privately (null: none). */
  responder_id: number | null;
  /** Added by 024: the update whose press filed it (null: filed otherwise). */
  update_id?: number | null;
  /** Added by 019: when the card goes to the committee group if still unanswered (null: it went, or no grid worker). */
  group_due_at: number | null;
}

export interface QuestionMessagesTable {
  id: Generated<number>;
  question_id: number;
  author_id: number | null;
  role: 'resident' | 'staff';
  text: string;
  created_at: number;
}

export interface FaqEntriesTable {
  id: Generated<number>;
  community_id: string;
  topic: string;
  /** JSON: { "zh-CN"?: string, "zh-TW"?: string, "en"?: string } */
  questions: string;
  answers: string;
  source_question_id: number | null;
  created_by: number | null;
  created_at: number;
  /** How often "This answers it" spared a question. */
  hits: Generated<number>;
}

export interface ServicePointOverridesTable {
  community_id: string;
  point_id: string;
  hours: string | null;
  phone: string | null;
  updated_by: number | null;
  updated_at: number;
}

export interface BookingsTable {
  id: Generated<number>;
  community_id: string;
  service_id: string;
  user_id: number | null;
  starts_at: number;
  ends_at: number;
  seat: number | null;
  status: BookingStatus;
  created_at: number;
  cancelled_at: number | null;
  marked_at: number | null;
  day_reminded_at: number | null;
  hour_reminded_at: number | null;
}

export interface AskTables {
  questions: QuestionsTable;
  question_messages: QuestionMessagesTable;
  faq_entries: FaqEntriesTable;
  service_point_overrides: ServicePointOverridesTable;
  bookings: BookingsTable;
}
