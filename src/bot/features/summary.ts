// Moved to src/features/summary; kept until src/bot/index.ts takes the feature list from src/features/index.ts.
export { summaryFeature } from '../../features/summary';
