import { DAY } from '../clock';

/**
 * Telegram keeps an undelivered update for 24 hours, so what an update filed can be found again by
 * its update id only that long. After a week without updates Telegram picks the next id at random,
 * so an older id may name a new update: lookups look back this far only, and the daily clean-up
 * (forgetProcessedUpdates) clears older ids so a reused one is never refused as a duplicate.
 */
export const REDELIVERY_WINDOW = DAY;
