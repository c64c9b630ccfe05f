import type { Composer } from 'telegraf';
import type { CoreDeps } from '../deps';
import type { Role } from '../store/schema';
import type { BotContext } from './context';
import type { Flow } from './flow';
import type { BotServices } from './services';
import type { JobSpec } from '../jobs/job';

export type { JobSpec };

/** A command as /help, the command menu and the main keyboard see it. */
export interface CommandSpec {
  name: string;
  /** The lowest role that may use it. */
  minRole: Role;
  /** Where it works: in the private chat with the bot, in groups, or both. */
  chat: 'private' | 'group' | 'any';
  /** locales key of the one-line description, e.g. "reports.cmd_report". */
  description: string;
  /** locales key of the main-keyboard label, when it has a button there. */
  menuLabel?: string;
  /** Someone below minRole who may use it all the same (e.g. a grid worker's /reports for their buildings). */
  alsoFor?: (ctx: BotContext) => Promise<boolean>;
  /** Commands usable before onboarding is complete (/start, /help, /lang, /cancel). */
  beforeOnboarding?: boolean;
  run(ctx: BotContext): Promise<unknown>;
}

/** What a feature contributes to /mydata and /deleteme. */
export interface PrivacySpec {
  /** Everything stored about this person, as label → value lines (already translated). */
  exportData(userId: number, t: (key: string, params?: Record<string, string | number>) => string): Promise<string[]>;
  /** Erases personal data; keeps anonymous counts. Runs inside the /deleteme transaction. */
  erase(userId: number, tx: CoreDeps['db']): Promise<void>;
}

export interface FeatureParts {
  name: string;
  commands?: CommandSpec[];
  /** Button handlers and any other update handling. */
  composer?: Composer<BotContext>;
  flows?: Flow<any, any>[];
  jobs?: JobSpec[];
  privacy?: PrivacySpec;
}

/**
 * A feature is built from the core dependencies and the bot's shared services (the flow
 * engine, the main menu); src/features/index.ts lists them all.
 */
export type Feature = (deps: CoreDeps, bot: BotServices) => FeatureParts;
