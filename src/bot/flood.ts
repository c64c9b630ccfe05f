import type { Middleware } from 'telegraf';
import type { BotContext } from './context';

/**
 * Slows down one person who floods the bot without slowing anyone else: a token bucket per
 * user (a burst of `burst` updates, refilled at `perSecond`). Past it, updates are dropped and
 * the person is told once per burst. The buckets live in memory on purpose: losing them on a
 * restart only forgives a flood.
 */
export function floodGuard(opts: { burst: number; perSecond: number; now?: () => number }): Middleware<BotContext> {
  const now = opts.now ?? Date.now;
  const buckets = new Map<number, { tokens: number; at: number; warned: boolean }>();
  return async (ctx, next) => {
    const id = ctx.from?.id;
    // Staff work through queues at speed (and are accountable); only residents and volunteers are slowed.
    if (!id || ctx.role === 'staff' || ctx.role === 'admin') return next();
    const t = now();
    const b = buckets.get(id) ?? { tokens: opts.burst, at: t, warned: false };
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.perSecond);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.warned = false;
      return next();
    }
    if (!b.warned) {
      b.warned = true;
      if (ctx.callbackQuery) await ctx.answerCbQuery(ctx.t('common.slow_down'));
      else if (ctx.chat?.type === 'private') await ctx.reply(ctx.t('common.slow_down'));
    }
    // Keep the map small: forget people whose bucket is full again.
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens >= opts.burst - 1) buckets.delete(k);
  };
}
