export { createOfflineProvider } from './offline-provider.js';
export { OFFLINE_MODELS } from './offline-models.js';
