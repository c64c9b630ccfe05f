import type { Clock } from './clock';
import type { Communities } from './community/config';
import type { Config } from './config';
import type { I18n } from './i18n';
import type { Logger } from './logger';
import type { Db } from './store/db';
import type { SessionStore } from './store/sessions';
import type { UsersRepo } from './store/users';
import type { ApiCall, Sender } from './delivery/sender';
import type { Metrics } from './ops/metrics';
import type { FloodBuckets } from './bot/flood';

/** What every feature is built from. createApp makes exactly one of these. */
export interface CoreDeps {
  config: Config;
  db: Db;
  users: UsersRepo;
  communities: Communities;
  i18n: I18n;
  clock: Clock;
  log: Logger;
  sessions: SessionStore;
  sender: Sender;
  /** Counters and timings for /metrics. */
  metrics: Metrics;
  /** Calls the Bot API outside an update (e.g. creating an invite link from a job). */
  api: ApiCall;
  /** The bot's @username, known after getMe; used for deep links. */
  botUsername: () => string;
  /** The flood guard's buckets shared by every instance (Redis); in memory when absent. */
  flood?: FloodBuckets;
}
