export { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';
