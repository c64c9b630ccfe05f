// Moved to src/features/core; kept until src/bot/index.ts takes the feature list from src/features/index.ts.
export { adminFeature } from '../../features/core';
