import type { Role } from '../store/schema';
import type { MenuOwner } from './command-menus';
import type { BotContext } from './context';
import type { CommandSpec, PrivacySpec } from './feature';
import type { FlowEngine } from './flow-engine';
import type { ReplyKeyboard } from './keyboards';

/** What the bot layer offers every feature: starting flows, the main menu, the command list. */
export interface BotServices {
  readonly flows: FlowEngine;
  mainMenu(ctx: BotContext): ReplyKeyboard;
  /** The commands a role may use in a private chat or a group, for /help and the command menu. */
  commandsFor(role: Role, chat: 'private' | 'group'): CommandSpec[];
  readonly privacy: PrivacySpec[];
  /**
   * Sets the command menu a person sees in their private chat to match their role and language
   * (only when it does not already). `languageCode`: their Telegram language, when the caller has it.
   */
  refreshCommands(userId: number, known?: MenuOwner, languageCode?: string): Promise<void>;
  /**
   * Runs `task` in another chat's line (src/bot/chat-queue.ts), e.g. to write that chat's session
   * from a press in a group: it waits for the update in hand there, and the next one sees its write.
   */
  inChat<T>(chatId: number, task: () => Promise<T>): Promise<T>;
}
