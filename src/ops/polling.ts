import { randomUUID } from 'node:crypto';
import type { Telegraf } from 'telegraf';
import type { BotContext } from '../bot/context';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { holdLease, releaseLease } from '../store/leases';

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
  const me = randomUUID();
  let stopped = false;
  let polling: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    await bot.telegram.deleteWebhook();
    polling = bot.launch({ dropPendingUpdates: false });
    // launch() resolves only when polling stops; errors there are fatal for polling.
    polling.catch((err) => log.fatal({ err }, 'polling stopped'));
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
  const tick = async (): Promise<void> => {
    if (stopped) return;
    const held = await holdLease(db, name, me, Date.now(), LEASE_MS).catch((err) => {
      log.warn({ err }, 'could not renew the polling lease');
      return polling !== undefined; // a passing database fault: keep what we had
    });
    if (held && !polling) {
      log.info('polling Telegram for updates');
      await poll();
    } else if (!held && polling) {
      log.warn('another instance took over polling; standing by');
      await stopPolling();
    } else if (!held) log.debug('another instance polls this bot; standing by');
    if (!stopped) timer = setTimeout(() => void tick(), held ? RENEW_MS : RETRY_MS);
  };

  const first = await holdLease(db, name, me, Date.now(), LEASE_MS);
  if (first) await poll();
  else log.info('another instance polls this bot; standing by to take over if it stops');
  timer = setTimeout(() => void tick(), first ? RENEW_MS : RETRY_MS);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await stopPolling();
    await releaseLease(db, name, me).catch((err) => log.warn({ err }, 'could not release the polling lease; it expires by itself'));
    await stopOps?.();
  };
}
