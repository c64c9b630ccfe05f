import type { Feature } from '../feature';

/** Notices (/announce, /subscribe) and events (/event, RSVPs). */
export const noticesFeature: Feature = () => ({ name: 'notices' });
