export { openEmbeddedVectorIndex } from './open-embedded-vector-index.js';
