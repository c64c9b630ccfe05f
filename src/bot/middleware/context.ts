import type { Middleware, MiddlewareFn } from 'telegraf';
import type { CoreDeps } from '../../deps';
import type { Logger } from '../../logger';
import { atLeast, effectiveRole } from '../../domain/roles';
import { guessLocale, isLocale } from '../../i18n';
import type { BotContext } from '../context';
import type { CommandSpec } from '../feature';

/** What every handler can count on: the person's profile, role and language on the context; commands guarded. */

/** Presses whose answerCallbackQuery went through, so bot.catch does not answer them twice. */
export const pressAnswered = new WeakSet<object>();

export function contextMiddleware(deps: CoreDeps): Middleware<BotContext> {
  const { users, i18n, config, clock, log } = deps;
  return async (ctx, next) => {
    if (ctx.callbackQuery) {
      const answer = ctx.answerCbQuery.bind(ctx);
      ctx.answerCbQuery = async (...args) => {
        const answered = await answer(...args);
        pressAnswered.add(ctx);
        return answered;
      };
    }
    // Most updates log nothing: the child logger is made on first use.
    let child: Logger | undefined;
    Object.defineProperty(ctx, 'log', {
      get: () => (child ??= log.child({ updateId: ctx.update.update_id, userId: ctx.from?.id, chatId: ctx.chat?.id })),
      configurable: true,
    });
    const from = ctx.from;
    if (from && !from.is_bot) {
      let profile = await users.find(from.id);
      if (!profile || profile.first_name !== from.first_name || profile.username !== (from.username ?? null)) {
        profile = await users.touch({
          id: from.id,
          firstName: from.first_name,
          username: from.username,
          locale: profile?.locale ?? guessLocale(from.language_code, config.defaultLocale),
          now: clock.now(),
        });
      }
      // Someone who blocked the bot and writes again can be reached again.
      if (!profile.reachable && ctx.chat?.type === 'private') {
        await users.update(from.id, { reachable: 1 }, clock.now());
        profile = { ...profile, reachable: 1 };
      }
      ctx.profile = profile;
    }
    ctx.locale = isLocale(ctx.profile?.locale) ? ctx.profile.locale : guessLocale(from?.language_code, config.defaultLocale);
    ctx.t = i18n.translator(ctx.locale);
    ctx.role = from ? effectiveRole(ctx.profile, config.adminIds, from.id) : 'resident';
    return next();
  };
}

/** Checks chat type, onboarding and role before a command runs; says politely why not. */
export function guard(cmd: CommandSpec): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const isPrivate = ctx.chat?.type === 'private';
    if (cmd.chat === 'private' && !isPrivate) return void (await ctx.reply(ctx.t('common.private_only')));
    if (cmd.chat === 'group' && isPrivate) return void (await ctx.reply(ctx.t('common.group_only')));
    // Admins (from ADMIN_IDS) may set the bot up before registering as residents themselves.
    if (isPrivate && !cmd.beforeOnboarding && !ctx.profile?.privacy_accepted_at && ctx.role !== 'admin')
      return void (await ctx.reply(ctx.t('common.start_first')));
    if (!atLeast(ctx.role, cmd.minRole) && !(await cmd.alsoFor?.(ctx))) return void (await ctx.reply(ctx.t('common.not_allowed')));
    return next();
  };
}
