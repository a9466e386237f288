export { createTokenCounter } from './o200k-token-counter.js';
