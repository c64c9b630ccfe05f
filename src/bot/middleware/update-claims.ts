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

  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const now = clock.now();
    const inserted = await db
      .insertInto('processed_updates')
      .values({ update_id: updateId, at: now, owner: me, lease_until: now + CLAIM_LEASE_MS, finished_at: null })
      .onConflict((oc) => oc.column('update_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
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
      await db
        .updateTable('processed_updates')
        .set({ finished_at: clock.now() })
        .where('update_id', '=', updateId)
        .execute()
        .catch((err) => log.warn({ err, updateId }, 'could not mark an update finished'));
    }
  };
}
