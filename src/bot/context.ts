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
  /** The album being answered: how many of its photos the flow took and refused (one answer says both). */
  album?: { id: string; taken: number; refused: number };
  /** The message that asks the current step's question (its buttons go once it is answered). */
  prompt?: number;
  /** The typed message that answered the step before this one: editing it corrects that answer. */
  answered?: { messageId: number; step: string };
  /** A step's "share my location/contact" reply keyboard is up: the next step puts the main menu back. */
  requestKeyboard?: boolean;
}

export interface SessionData {
  flow?: FlowSession;
  /** The step that finished the last flow, so a second tap of its button hears "already done". */
  done?: { flow: string; step: string; album?: string };
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
  /** Set for a part of an album: hold this answer until the album is over (src/bot/chat-queue.ts). */
  holdAnswer?: (send: () => Promise<void>) => void;
}
