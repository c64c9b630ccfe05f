import { randomUUID } from 'node:crypto';
import type { Executor } from './db';

/**
 * A lease is held by one instance at a time: taken when free or expired, renewed while its
 * holder lives, and taken over by another instance once it expires. One statement each, so two
 * instances racing for it cannot both win.
 */

/** Takes or renews the lease; true if `owner` holds it until now + ttlMs. */
export async function holdLease(db: Executor, name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
  const r = await db
    .insertInto('leases')
    .values({ name, owner, until: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, until: now + ttlMs })
        .where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.until', '<', now)])),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Gives the lease up at a graceful stop, so another instance need not wait for it to expire. */
export async function releaseLease(db: Executor, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/**
 * One instance's hold on a named lease: hold() takes or renews it and answers whether it is
 * ours. A database fault keeps it only while `active` (the instance is doing what the lease
 * guards) and it cannot have expired meanwhile (renewed within ttlMs - marginMs).
 */
export function leaseHolder(db: Executor, name: string, ttlMs: number, marginMs: number, warn: (err: unknown) => void) {
  const owner = randomUUID();
  let renewedAt = 0;
  return {
    async hold(active: boolean): Promise<boolean> {
      try {
        const held = await holdLease(db, name, owner, Date.now(), ttlMs);
        if (held) renewedAt = Date.now();
        return held;
      } catch (err) {
        warn(err);
        return active && Date.now() - renewedAt < ttlMs - marginMs;
      }
    },
    release: () => releaseLease(db, name, owner),
  };
}
