import type { Feature } from '../bot/feature';
import { adminFeature, coreFeature } from './core';
import { hazardsFeature } from './hazards';
import { helpFeature } from './help';
import { noticesFeature } from './notices';
import { summaryFeature } from './summary';
import { dashboardFeature } from './dashboard';

/** Every feature of the bot, in the order their handlers run; the "I didn't understand that" fallback runs after all of them (src/bot/index.ts). */
export const features: Feature[] = [
  coreFeature,
  adminFeature,
  hazardsFeature,
  helpFeature,
  noticesFeature,
  summaryFeature,
  dashboardFeature,
];
