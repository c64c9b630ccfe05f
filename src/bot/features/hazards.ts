import type { Feature } from '../feature';

/** Hazard reports: /report, /myreports, /reports and the staff buttons. */
export const hazardsFeature: Feature = () => ({ name: 'hazards' });
