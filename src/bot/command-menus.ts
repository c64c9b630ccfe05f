import { createHash } from 'node:crypto';
import type { Telegram } from 'telegraf';
import type { CoreDeps } from '../deps';
import { effectiveRole } from '../domain/roles';
import type { Locale } from '../i18n';
import type { Role, User } from '../store/schema';
import type { CommandSpec } from './feature';

/** What refresh needs to know of a person. */
export type MenuOwner = Pick<User, 'id' | 'role' | 'locale' | 'command_menu'>;

/**
 * The command menus Telegram shows: one per language for residents in private chats and for
 * groups (set at start-up), and each person's own once their role or language is known.
 * A failure is logged, not fatal: the commands still work when typed.
 */
export function commandMenus(
  deps: CoreDeps,
  telegram: () => Telegram,
  commandsFor: (role: Role, chat: 'private' | 'group') => CommandSpec[],
) {
  const { config, i18n, log, users, clock } = deps;
  const describe = (list: CommandSpec[], locale: Locale) => {
    const t = i18n.translator(locale);
    return list.map((c) => ({ command: c.name, description: t(c.description).slice(0, 256) }));
  };

  /** What setMyCommands gets for a role and language, and its key (the digest covers the commands, so a release that changes them sets every menu again). */
  const menuFor = (role: Role, locale: Locale) => {
    const commands = describe(commandsFor(role, 'private'), locale);
    return { commands, key: `${locale}:${createHash('sha1').update(JSON.stringify(commands)).digest('base64url').slice(0, 16)}` };
  };
  /** The menu registerAll gives private chats in this Telegram language (matched on its first two letters). */
  const defaultLocaleFor = (languageCode: string): Locale =>
    languageCode.startsWith('en') ? 'en' : languageCode.startsWith('zh') ? 'zh-CN' : config.defaultLocale;

  /**
   * Sets the menu a person sees in their private chat to match their role and language, unless
   * the menu they see is that one already: the one last set for them (users.command_menu), or,
   * if none was, the menu for everyone in their Telegram language (`languageCode`, when known).
   * `known`: the person as the caller has them (their language just changed), to save a read.
   */
  const refresh = async (userId: number, known?: MenuOwner, languageCode?: string) => {
    const user = known ?? (await users.find(userId));
    const wanted = menuFor(effectiveRole(user, config.adminIds, userId), users.localeOfUser(user));
    const shown = user?.command_menu ?? (languageCode === undefined ? undefined : menuFor('resident', defaultLocaleFor(languageCode)).key);
    if (shown === wanted.key) return;
    try {
      await telegram().setMyCommands(wanted.commands, { scope: { type: 'chat', chat_id: userId } });
      if (user) await users.update(userId, { command_menu: wanted.key }, clock.now());
    } catch (err) {
      log.warn({ err, userId }, 'setMyCommands for a user failed');
    }
  };

  const registerAll = async () => {
    // Telegram's language_code is two letters, so zh-TW cannot be told apart from zh-CN here;
    // each person's own menu is set by refresh when they choose a language.
    const menus: [Locale, string | undefined][] = [
      [config.defaultLocale, undefined],
      ['en', 'en'],
      ['zh-CN', 'zh'],
    ];
    for (const [locale, code] of menus) {
      try {
        const scoped = (type: 'all_private_chats' | 'all_group_chats') => ({ scope: { type }, language_code: code });
        await telegram().setMyCommands(describe(commandsFor('resident', 'private'), locale), scoped('all_private_chats'));
        await telegram().setMyCommands(describe(commandsFor('staff', 'group'), locale), scoped('all_group_chats'));
      } catch (err) {
        log.warn({ err, locale }, 'setMyCommands failed; the command menu may be out of date');
      }
    }
  };

  return { refresh, registerAll };
}
