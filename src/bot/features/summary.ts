import type { Feature } from '../feature';

/** The weekly summary (/summary) and the scheduled jobs' bot side. */
export const summaryFeature: Feature = () => ({ name: 'summary' });
