import type { Telegraf } from 'telegraf';
import type { BotContext } from '../bot/context';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { leaseHolder } from '../store/leases';

/**
 * Polling mode. Telegram lets one getUpdates caller per token at a time, so instances sharing a
 * database hold a lease to poll: the holder renews it every few seconds; another instance stands
 * by and takes over once it expires (within LEASE_MS + RETRY_MS of the holder's death). An
 * instance that finds its lease taken (it stalled past LEASE_MS) stops polling and stands by.
 */

const LEASE_MS = 6_000;
const RENEW_MS = 2_000;
const RETRY_MS = 1_000;

export async function startPolling(
  bot: Telegraf<BotContext>,
  db: Db,
  log: Logger,
  stopOps?: () => Promise<void>,
): Promise<() => Promise<void>> {
  const name = `polling:${bot.botInfo?.id ?? 'bot'}`;
  const lease = leaseHolder(db, name, LEASE_MS, RENEW_MS, (err) => log.warn({ err }, 'could not renew the polling lease'));
  let stopped = false;
  let polling: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    await bot.telegram.deleteWebhook();
    const launched = bot.launch({ dropPendingUpdates: false });
    polling = launched;
    // launch() settles only when polling stops (telegraf throws on 401/409): forget it, so the
    // next tick polls again while the lease is ours, or leaves it to the standby.
    launched
      .catch((err) => log.error({ err }, 'polling stopped; trying again while this instance holds the lease'))
      .finally(() => {
        if (polling === launched) polling = undefined;
      });
  };
  const stopPolling = async () => {
    try {
      bot.stop('stop');
    } catch {
      // not running
    }
    await polling?.catch(() => undefined);
    polling = undefined;
  };
  /** Is the lease ours? A database fault keeps it only as long as it cannot have expired meanwhile. */
  const holding = () => lease.hold(polling !== undefined);
  const tick = async (): Promise<void> => {
    let held = false;
    try {
      held = await holding();
      if (held && !polling) {
        log.info('polling Telegram for updates');
        await poll();
      } else if (!held && polling) {
        log.warn('this instance no longer holds the polling lease; standing by');
        await stopPolling();
      } else if (!held) log.debug('another instance polls this bot; standing by');
    } catch (err) {
      log.error({ err }, 'the polling lease check failed; trying again');
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), held ? RENEW_MS : RETRY_MS);
    }
  };

  if (!(await holding())) log.info('another instance polls this bot; standing by to take over if it stops');
  else await poll();
  timer = setTimeout(() => void tick(), polling ? RENEW_MS : RETRY_MS);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await stopPolling();
    await lease.release().catch((err) => log.warn({ err }, 'could not release the polling lease; it expires by itself'));
    await stopOps?.();
  };
}
