// TODO(issue 13): goes once src/bot/index.ts takes its list from src/features/index.ts.
export { hazardsFeature } from '../../features/hazards';
