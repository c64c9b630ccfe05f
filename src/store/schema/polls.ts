import type { Generated } from 'kysely';

/** Row types of the poll tables (migrations/012_polls.ts). Times are epoch milliseconds, flags 0/1. */

export type PollStatus = 'open' | 'closed';

export interface PollsTable {
  id: Generated<number>;
  community_id: string;
  question: string;
  /** JSON string[] (2–10). */
  options: string;
  multiple: number;
  anonymous: number;
  /** One vote per household (building + unit) instead of one per person. */
  per_household: number;
  /** Voters see the standings once they have voted (else only at closing, in the committee group). */
  results_after_vote: number;
  /** JSON Audience, as for notices. */
  audience: string;
  /** The broadcast that carried it: its outbox rows are the poll's electorate. */
  broadcast_id: number | null;
  round: Generated<number>;
  previous_id: number | null;
  /** A selection round: how many of the top options go on to the next round. */
  keep_top: number | null;
  /** Ballots cast (persons or households). */
  voters: Generated<number>;
  status: Generated<PollStatus>;
  closes_at: number;
  created_by: number;
  created_at: number;
  reminded_at: number | null;
  closed_at: number | null;
}

/** That a voter voted, never what. voter_key: "u:<user id>" or "h:<building>:<unit>". */
export interface PollVotersTable {
  poll_id: number;
  voter_key: string;
  /** Null after /deleteme. */
  user_id: number | null;
  building_id: string | null;
  voted_at: number;
  /** Times the ballot was changed (023): signed into an anonymous voter's receipt, so an older receipt is refused. */
  changes: Generated<number>;
  /** The update whose press last wrote the ballot (025): that press, handled again after a crash, re-issues the receipt. */
  last_update_id?: number | null;
}

/** Counts per option, with no voter. */
export interface PollTalliesTable {
  poll_id: number;
  option: number;
  votes: Generated<number>;
}

/** Named polls only: which options a voter chose (so they can change them). */
export interface PollChoicesTable {
  poll_id: number;
  voter_key: string;
  option: number;
}

export interface PollTables {
  polls: PollsTable;
  poll_voters: PollVotersTable;
  poll_tallies: PollTalliesTable;
  poll_choices: PollChoicesTable;
}
