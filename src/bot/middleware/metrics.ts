import type { Middleware } from 'telegraf';
import type { Metrics } from '../../ops/metrics';
import type { BotContext } from '../context';

/** Counts each update and times its handling (from its turn in its chat's line to the end); failures are counted by the error boundary. */
export function measureUpdates(metrics: Metrics): Middleware<BotContext> {
  return async (_ctx, next) => {
    const done = metrics.handlingSeconds.startTimer();
    try {
      await next();
      metrics.updates.inc({ outcome: 'handled' });
    } finally {
      done();
    }
  };
}
