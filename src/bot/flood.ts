import type { Middleware } from 'telegraf';
import type { Logger } from '../logger';
import type { BotContext } from './context';

/** Where the buckets live: this process's memory, or Redis shared by every instance (src/ops/shared.ts). */
export interface FloodBuckets {
  /** Refills the person's bucket, then takes a token (allowed) or says whether to warn them (once per flood). */
  take(userId: number, burst: number, perSecond: number, now: number): Promise<{ allowed: boolean; warn: boolean }>;
}

/**
 * Slows down one person who floods the bot without slowing anyone else: a token bucket per
 * user (a burst of `burst` updates, refilled at `perSecond`). Past it, updates are dropped and
 * the person is told once per flood (until half the bucket has refilled). With several instances the buckets are in Redis, so a
 * flood spread by the load balancer over the instances is counted once; without Redis they
 * live in memory (losing them on a restart only forgives a flood). If Redis fails, updates pass.
 */
export function floodGuard(opts: {
  burst: number;
  perSecond: number;
  now?: () => number;
  buckets?: FloodBuckets;
  log?: Logger;
}): Middleware<BotContext> {
  const now = opts.now ?? Date.now;
  const buckets = opts.buckets ?? memoryBuckets();
  return async (ctx, next) => {
    const id = ctx.from?.id;
    // Staff work through queues at speed (and are accountable); only residents and volunteers are slowed.
    if (!id || ctx.role === 'staff' || ctx.role === 'admin') return next();
    const taken = await buckets.take(id, opts.burst, opts.perSecond, now()).catch((err) => {
      opts.log?.warn({ err }, 'the flood guard could not reach its buckets; letting the update through');
      return { allowed: true, warn: false };
    });
    if (taken.allowed) return next();
    if (!taken.warn) return;
    if (ctx.callbackQuery) await ctx.answerCbQuery(ctx.t('common.slow_down'));
    else if (ctx.chat?.type === 'private') await ctx.reply(ctx.t('common.slow_down'));
  };
}

/** Buckets in this process's memory (one instance, or no Redis). */
export function memoryBuckets(): FloodBuckets {
  const buckets = new Map<number, { tokens: number; at: number; warned: boolean }>();
  return {
    async take(id, burst, perSecond, t) {
      const b = buckets.get(id) ?? { tokens: burst, at: t, warned: false };
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      buckets.set(id, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        // A flood is over once half the bucket is back: only then may the next one be told again.
        if (b.tokens >= burst / 2) b.warned = false;
        return { allowed: true, warn: false };
      }
      const warn = !b.warned;
      b.warned = true;
      // Keep the map small: forget people whose bucket is full again.
      if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens >= burst - 1) buckets.delete(k);
      return { allowed: false, warn };
    },
  };
}
