import type { Feature } from '../bot/feature';
import { adminFeature, coreFeature } from './core';
import { askFeature } from './ask';
import { bookingsFeature } from './bookings';
import { servicesFeature } from './services';
import { hazardsFeature } from './hazards';
import { helpFeature } from './help';
import { noticesFeature } from './notices';
import { pollsFeature } from './polls';
import { summaryFeature } from './summary';
import { dashboardFeature } from './dashboard';
import { workbenchFeature } from './workbench';

/** Every feature of the bot, in the order their handlers run; the "I didn't understand that" fallback runs after all of them (src/bot/index.ts). */
export const features: Feature[] = [
  coreFeature,
  adminFeature,
  hazardsFeature,
  helpFeature,
  noticesFeature,
  askFeature,
  servicesFeature,
  bookingsFeature,
  summaryFeature,
  pollsFeature,
  workbenchFeature,
  dashboardFeature,
];
