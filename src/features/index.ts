import type { Feature } from '../bot/feature';
import { adminFeature } from '../bot/features/admin';
import { coreFeature } from '../bot/features/core';
import { hazardsFeature } from '../bot/features/hazards';
import { helpFeature } from '../bot/features/help';
import { noticesFeature } from '../bot/features/notices';
import { summaryFeature } from '../bot/features/summary';

/** Every feature of the bot, in the order their handlers run. */
// the 'I didn't understand that' fallback runs after all of these (src/bot/index.ts)
export const features: Feature[] = [coreFeature, adminFeature, hazardsFeature, helpFeature, noticesFeature, summaryFeature];
