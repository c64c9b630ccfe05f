// TODO(issue 13): goes once src/bot/index.ts takes its feature list from src/features/index.ts.
export { helpFeature } from '../../features/help';
