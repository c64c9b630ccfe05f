import type { CoreDeps } from '../deps';
import { groupLocaleOf } from '../domain/chat-links';
import type { Locale } from '../i18n';
import type { BotContext } from './context';

/** The language of a card a press edits in place: in a group, the group's (see /lang there); in private, the reader's. */
export function cardLocale(ctx: BotContext, deps: Pick<CoreDeps, 'db' | 'config'>): Promise<Locale> | Locale {
  if (!ctx.chat || ctx.chat.type === 'private') return ctx.locale;
  return groupLocaleOf(deps.db, ctx.chat.id, deps.config.defaultLocale);
}
