export { createDocumentParser } from './create-document-parser.js';
