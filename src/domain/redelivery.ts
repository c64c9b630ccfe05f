import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema';
import { DAY } from '../clock';

/**
 * Telegram keeps an undelivered update for 24 hours, so what an update filed can be found again by
 * its update id only that long. After a week without updates Telegram picks the next id at random,
 * so an older id may name a new update: lookups look back this far only, and the daily clean-up
 * (forgetProcessedUpdates) clears older ids so a reused one is never refused as a duplicate.
 */
export const REDELIVERY_WINDOW = DAY;

type Filed = 'reports' | 'help_requests' | 'questions' | 'broadcasts';

/** The rows an update filed within the window (callers add who sent it). */
export const fromUpdate = (updateId: number, now: number) => (eb: ExpressionBuilder<Database, Filed>) =>
  eb.and([eb('update_id', '=', updateId), eb('created_at', '>=', now - REDELIVERY_WINDOW)]);
