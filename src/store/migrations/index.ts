import type { Migration } from 'kysely';
import { core } from './001_core';
import { hazards } from './002_hazards';
import { help } from './003_help';
import { delivery } from './004_delivery';
import { jobs } from './005_jobs';
import { helpApproval } from './006_help_approval';
import { updateClaims } from './007_update_claims';
import { voice } from './008_voice';
import { shiftAttendance } from './009_shift_attendance';
import { eventRatingComments } from './010_event_rating_comments';
import { leases } from './011_leases';
import { polls } from './012_polls';
import { ask } from './013_ask';
import { grid } from './014_grid';
import { dashboardMenus } from './015_dashboard_menus';
import { groupLocale } from './017_group_locale';
import { questionResponder } from './019_question_responder';
import { broadcastUpdate } from './020_broadcast_update';
import { reportUpdate } from './021_report_update';
import { frontageSpots } from './022_frontage_spots';
import { pollReceipts } from './023_poll_receipts';
import { requestQuestionUpdate } from './024_request_question_update';
import { pollVoterUpdate } from './025_poll_voter_update';
import { similarReports } from './026_similar_reports';
import { commandMenus } from './018_command_menus';

/** Applied in name order at start-up; a shipped migration is never edited, only followed by a new one. */
export const migrations: Record<string, Migration> = {
  '001_core': core,
  '002_hazards': hazards,
  '003_help': help,
  '004_delivery': delivery,
  '005_jobs': jobs,
  '006_help_approval': helpApproval,
  '007_update_claims': updateClaims,
  '008_voice': voice,
  '009_shift_attendance': shiftAttendance,
  '010_event_rating_comments': eventRatingComments,
  '011_leases': leases,
  '012_polls': polls,
  '013_ask': ask,
  '014_grid': grid,
  '015_dashboard_menus': dashboardMenus,
  '017_group_locale': groupLocale,
  '019_question_responder': questionResponder,
  '020_broadcast_update': broadcastUpdate,
  '021_report_update': reportUpdate,
  '022_frontage_spots': frontageSpots,
  '023_poll_receipts': pollReceipts,
  '024_request_question_update': requestQuestionUpdate,
  '025_poll_voter_update': pollVoterUpdate,
  '026_similar_reports': similarReports,
  '018_command_menus': commandMenus,
};
