import { randomUUID } from 'node:crypto';
import type { Middleware } from 'telegraf';
import type { CoreDeps } from '../../deps';
import type { BotContext } from '../context';

/** How long a claim on an update holds unless its owner renews it (every third of that while handling). */
const CLAIM_LEASE_MS = 10_000;

/**
 * Telegram delivers an update again until it is confirmed (a webhook retry, or polling after a
 * restart): handle each one to the end at least once, and twice only if a process dies mid-way.
 * Each process start claims the updates it handles under its own id and marks them finished
 * (an error answered with an apology counts: redelivery would not help). Again-delivered updates:
 * - finished, or claimed by this process (still at work on it): skipped;
 * - claimed by another instance and never finished: that one died, or it is alive and still at
 *   work (two processes on one PostgreSQL). A live owner renews its lease every few seconds, so
 *   wait until the lease we saw runs out, then take the claim over with one guarded UPDATE that
 *   only matches if nobody renewed or took it meanwhile: one winner, and an owner that keeps
 *   renewing keeps its update even if the two clocks disagree.
 * The cost: after a crash, the update that was in hand waits up to CLAIM_LEASE_MS (when polling,
 * with its batch), and whatever the dead process had sent for it before dying is sent again.
 */
export function claimUpdates(deps: CoreDeps): Middleware<BotContext> {
  const { db, clock, log } = deps;
  const me = randomUUID();

  /** The claim exists already: true if this process should handle the update after all. */
  const takeOver = async (updateId: number): Promise<boolean> => {
    const claim = await db
      .selectFrom('processed_updates')
      .select(['owner', 'lease_until', 'finished_at'])
      .where('update_id', '=', updateId)
      .executeTakeFirst();
    // No row: forgotten by the weekly clean-up, long after Telegram stopped redelivering.
    if (!claim || claim.finished_at !== null || claim.owner === me) return false;
    const left = Math.min(Math.max(claim.lease_until - clock.now(), 0), CLAIM_LEASE_MS);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    const taken = await db
      .updateTable('processed_updates')
      .set({ owner: me, lease_until: clock.now() + CLAIM_LEASE_MS })
      .where('update_id', '=', updateId)
      .where('owner', '=', claim.owner)
      .where('lease_until', '=', claim.lease_until)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  };

  const renew = (updateId: number) =>
    db
      .updateTable('processed_updates')
      .set({ lease_until: clock.now() + CLAIM_LEASE_MS })
      .where('update_id', '=', updateId)
      .where('owner', '=', me)
      .where('finished_at', 'is', null)
      .execute()
      .catch((err) => log.warn({ err, updateId }, 'could not renew the claim on an update'));

  // The updates of one getUpdates batch (or of overlapping webhook POSTs) are claimed in one
  // statement, and those finishing together are marked in one: two writes per update were a
  // tenth of bench 1's CPU. Each caller still waits for its own write before going on.
  const claim = inOneTurn(async (ids: number[]) => {
    const now = clock.now();
    const rows = await db
      .insertInto('processed_updates')
      .values(ids.map((id) => ({ update_id: id, at: now, owner: me, lease_until: now + CLAIM_LEASE_MS, finished_at: null })))
      .onConflict((oc) => oc.column('update_id').doNothing())
      .returning('update_id')
      .execute();
    const claimed = new Set(rows.map((r) => Number(r.update_id)));
    return ids.map((id) => claimed.has(id));
  });
  const finish = inOneTurn(async (ids: number[]) => {
    await db.updateTable('processed_updates').set({ finished_at: clock.now() }).where('update_id', 'in', ids).execute();
    return ids.map(() => undefined);
  });

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    if (!(await claim(updateId))) {
      if (!(await takeOver(updateId))) return;
      log.info({ updateId }, 'handling again an update whose earlier handler never finished');
      // The dead process may have answered this press already, and Telegram refuses a second answer.
      if (ctx.callbackQuery) ctx.answerCbQuery = async () => true;
    }
    const renewal = setInterval(() => void renew(updateId), CLAIM_LEASE_MS / 3);
    renewal.unref();
    try {
      return await next();
    } finally {
      clearInterval(renewal);
      await finish(updateId).catch((err) => log.warn({ err, updateId }, 'could not mark an update finished'));
    }
  };
}

/** At most this many updates in one statement (SQLite allows 32,766 bound values; five a row). */
const MAX_BATCH = 500;

/**
 * Gathers the calls made in one turn of the event loop and runs them as one batch; each caller
 * gets its own key's result (`run` returns them in the keys' order). One key seen twice in a
 * turn (Telegram delivering an update again at once) goes to the next batch, so it is told the
 * first one's claim exists.
 */
export function inOneTurn<K, R>(run: (keys: K[]) => Promise<R[]>): (key: K) => Promise<R> {
  let waiting: { key: K; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  const flush = () => {
    const batch: typeof waiting = [];
    const later: typeof waiting = [];
    const keys = new Set<K>();
    for (const w of waiting) {
      if (keys.has(w.key) || batch.length >= MAX_BATCH) later.push(w);
      else batch.push(w);
      keys.add(w.key);
    }
    waiting = later;
    if (later.length > 0) setImmediate(flush);
    run(batch.map((w) => w.key)).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (err) => batch.forEach((w) => w.reject(err)),
    );
  };
  return (key) =>
    new Promise<R>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ key, resolve, reject });
    });
}
