export { createFileInteractionSpill } from './file-interaction-spill.js';
