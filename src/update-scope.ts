import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The Telegram update being handled, for writes that must happen once per update even when a
 * crash makes it be handled again (src/bot/middleware/update-claims.ts): a broadcast started by
 * an update is started once, however often that update runs. No telegraf here, so the delivery
 * layer can read it.
 */
const scope = new AsyncLocalStorage<number>();

export const inUpdate = <T>(updateId: number, run: () => Promise<T>): Promise<T> => scope.run(updateId, run);

export const currentUpdateId = (): number | undefined => scope.getStore();
