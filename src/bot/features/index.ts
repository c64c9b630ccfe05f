import type { Feature } from '../feature';
import { adminFeature } from './admin';
import { coreFeature } from './core';
import { hazardsFeature } from './hazards';
import { helpFeature } from './help';
import { noticesFeature } from './notices';
import { summaryFeature } from './summary';

/** Every feature of the bot, in the order their handlers run. */
export const features: Feature[] = [coreFeature, adminFeature, hazardsFeature, helpFeature, noticesFeature, summaryFeature];
