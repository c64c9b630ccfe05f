import type { Sender } from '../delivery/sender';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { leaseHolder } from '../store/leases';

/**
 * One outbox sender per bot among the instances that share a PostgreSQL database: Telegram's
 * limits (30 messages a second, 1 a second per chat, 20 a minute per group) belong to the
 * token, and one sender paces them exactly, counting the other instances' direct replies that
 * reach it through Redis (src/ops/shared.ts). The instances race for a lease in the `leases`
 * table; the holder renews it every RENEW_MS and sends; the others stand by (their senders
 * stopped; what they enqueue is sent by the holder, woken by a poke through Redis or within its
 * idle tick). When the holder dies its lease expires after LEASE_MS and another instance starts
 * sending within RETRY_MS more; the rows the dead sender had leased follow within their own
 * 10 s lease (src/delivery/sender.ts). A holder that could not renew for LEASE_MS (a stalled
 * database) stops sending before anyone else may start.
 */

const LEASE_MS = 6_000;
const RENEW_MS = 2_000;
const RETRY_MS = 1_000;

export interface SenderElection {
  stop(): Promise<void>;
}

export async function electSender(sender: Sender, db: Db, log: Logger, botId: string): Promise<SenderElection> {
  const name = `outbox-sender:${botId}`;
  const lease = leaseHolder(db, name, LEASE_MS, RENEW_MS, (err) => log.warn({ err }, 'could not renew the outbox sender lease'));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<unknown> = Promise.resolve();

  const check = async (): Promise<boolean> => {
    // Through a database fault, sending goes on only while the lease cannot have expired meanwhile.
    const held = await lease.hold(sender.isRunning);
    if (held && !sender.isRunning && !stopped) {
      log.info({ pid: process.pid }, 'this instance sends the outbox for every instance');
      sender.start();
    } else if (!held && sender.isRunning) {
      log.warn('another instance sends the outbox now; standing by');
      await sender.standBy();
    } else if (!held && sender.state === 'stopped') await sender.standBy();
    return held;
  };
  const tick = async (): Promise<void> => {
    let held = false;
    try {
      const checked = check();
      checking = checked.catch(() => undefined);
      held = await checked;
    } catch (err) {
      log.error({ err }, 'the outbox sender lease check failed; trying again');
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), held ? RENEW_MS : RETRY_MS);
    }
  };

  if (!(await check())) log.info('another instance sends the outbox; standing by to take over if it stops');
  timer = setTimeout(() => void tick(), sender.isRunning ? RENEW_MS : RETRY_MS);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await checking;
      await sender.stop();
      await lease.release().catch((err) => log.warn({ err }, 'could not release the outbox sender lease; it expires by itself'));
    },
  };
}
