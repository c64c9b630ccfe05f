import type { Telegram } from 'telegraf';
import type { CoreDeps } from '../deps';
import { effectiveRole } from '../domain/roles';
import type { Locale } from '../i18n';
import type { Role } from '../store/schema';
import type { CommandSpec } from './feature';

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
  const { config, i18n, log, users } = deps;
  const describe = (list: CommandSpec[], locale: Locale) => {
    const t = i18n.translator(locale);
    return list.map((c) => ({ command: c.name, description: t(c.description).slice(0, 256) }));
  };

  /** Sets the menu a person sees in their private chat to match their role and language. */
  const refresh = async (userId: number) => {
    const user = await users.find(userId);
    const locale = users.localeOfUser(user);
    const role = effectiveRole(user, config.adminIds, userId);
    await telegram()
      .setMyCommands(describe(commandsFor(role, 'private'), locale), { scope: { type: 'chat', chat_id: userId } })
      .catch((err) => log.warn({ err, userId }, 'setMyCommands for a user failed'));
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
