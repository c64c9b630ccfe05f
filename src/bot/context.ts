import type { Context } from 'telegraf';
import type { Locale, Translate } from '../i18n';
import type { Logger } from '../logger';
import type { Role, User } from '../store/schema';

/** An active conversational flow, stored in the session so it survives restarts. */
export interface FlowSession {
  id: string;
  step: string;
  history: string[];
  data: Record<string, unknown>;
}

export interface SessionData {
  flow?: FlowSession;
}

/** What middleware puts on every update, so handlers stay short. */
export interface BotContext extends Context {
  log: Logger;
  locale: Locale;
  t: Translate;
  /** The sender's profile (created on first contact); undefined only for updates without a sender. */
  profile?: User;
  role: Role;
  session: SessionData;
}
