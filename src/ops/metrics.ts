import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/db';

/**
 * What a deployment watches, in Prometheus' text format at GET /metrics: updates handled and
 * failed with their handling time, outbox depth by priority, the sender's outcomes, job runs.
 * One registry per app (tests build several apps in one process).
 */
export function createMetrics(db: Db) {
  const registry = new Registry();
  const metrics = {
    registry,
    updates: new Counter({
      name: 'linli_updates_total',
      help: 'Updates handled, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    handlingSeconds: new Histogram({
      name: 'linli_update_handling_seconds',
      help: 'Time from an update reaching its turn in its chat to its handling done',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sends: new Counter({
      name: 'linli_outbox_sends_total',
      help: 'Outbox calls by result: sent, retry (including 429), failed, unreachable',
      labelNames: ['result'],
      registers: [registry],
    }),
    rateLimited: new Counter({ name: 'linli_telegram_429_total', help: 'Calls Telegram answered with 429', registers: [registry] }),
    jobRuns: new Counter({
      name: 'linli_job_runs_total',
      help: 'Scheduled job runs, by job and status',
      labelNames: ['job', 'status'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'linli_outbox_pending',
    help: 'Outbox rows waiting to be sent, by priority',
    labelNames: ['priority'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('outbox')
        .select(['priority', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'pending')
        .groupBy('priority')
        .execute();
      this.reset();
      for (const r of rows) this.set({ priority: String(r.priority) }, Number(r.n));
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
