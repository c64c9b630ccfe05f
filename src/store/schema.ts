import type { Selectable } from 'kysely';
import type { CoreTables, UsersTable } from './schema/core';
import type { HazardTables } from './schema/hazards';
import type { HelpTables } from './schema/help';
import type { DeliveryTables } from './schema/delivery';
import type { JobTables } from './schema/jobs';
import type { LeasesTables } from './schema/leases';
import type { PollTables } from './schema/polls';
import type { AskTables } from './schema/ask';
import type { DashboardTables } from './schema/dashboard';

/** The whole database as Kysely sees it: each feature declares its own tables in schema/. */
export interface Database
  extends CoreTables, HazardTables, HelpTables, DeliveryTables, JobTables, LeasesTables, PollTables, AskTables, DashboardTables {}

export type User = Selectable<UsersTable>;
export type { Role } from './schema/core';
