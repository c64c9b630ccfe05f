import type { Feature } from '../feature';

/** Help requests, volunteer teams, tasks, hours and patrol shifts. */
export const helpFeature: Feature = () => ({ name: 'help' });
