import type { Generated } from 'kysely';

/** Row types of the core tables (see migrations/001_core.ts). Times are epoch milliseconds. */

export type Role = 'resident' | 'volunteer' | 'lead' | 'staff' | 'admin';

export interface UsersTable {
  id: number;
  first_name: string;
  username: string | null;
  locale: string;
  role: Role;
  community_id: string | null;
  building_id: string | null;
  unit: string | null;
  phone: string | null;
  privacy_accepted_at: number | null;
  reachable: Generated<number>;
  /** Added by 014_grid: a staff member the escalation ladder reaches after the committee group (1). */
  community_head: Generated<number>;
  /** The command menu last set for their private chat (src/bot/command-menus.ts); null: never set. */
  command_menu: Generated<string | null>;
  created_at: number;
  updated_at: number;
}

export interface InvitesTable {
  token: string;
  role: Role;
  community_id: string;
  team_id: string | null;
  created_by: number;
  created_at: number;
  expires_at: number;
  used_by: number | null;
  used_at: number | null;
  /** Added by 014_grid: what it grants besides the role (`grid:worker:<building>`, `grid:head:<building>`, `unit:<id>`). */
  grants: string | null;
}

export interface ChatLinksTable {
  chat_id: number;
  kind: 'committee' | 'team';
  community_id: string;
  team_id: string;
  title: string;
  linked_by: number;
  linked_at: number;
  /** The group's language; null means DEFAULT_LOCALE. */
  locale: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  action: string;
  subject: string;
  detail: string;
}

export interface ProcessedUpdatesTable {
  update_id: number;
  /** When the update first arrived (the weekly clean-up reads this). */
  at: number;
  /** Added by 007_update_claims: the process instance handling it ('' for rows from before). */
  owner: string;
  /** Until when the owner's claim holds; a live owner renews it while the handler runs. */
  lease_until: number;
  /** When handling ended (an error answered with an apology counts); null while in hand. */
  finished_at: number | null;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'unreachable' | 'cancelled';

export interface OutboxTable {
  id: Generated<number>;
  chat_id: number;
  /** A Bot API method: sendMessage, sendPhoto, sendDocument, editMessageText, ... */
  method: string;
  /** The method's parameters as JSON, without chat_id. */
  payload: string;
  /** Lower goes first: personal notices before group cards before bulk broadcasts. */
  priority: number;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  not_before: number;
  broadcast_id: number | null;
  /** What this message is about (e.g. "report:12:card"), to find its message_id later. */
  ref: string | null;
  message_id: number | null;
  error: string | null;
  created_at: number;
  sent_at: number | null;
  /** Added by 004_delivery: the sender holding this row until then (see delivery/sender.ts). */
  lease_until: number | null;
  lease_owner: string | null;
}

export interface CoreTables {
  outbox: OutboxTable;
  users: UsersTable;
  invites: InvitesTable;
  chat_links: ChatLinksTable;
  audit_log: AuditLogTable;
  processed_updates: ProcessedUpdatesTable;
}
