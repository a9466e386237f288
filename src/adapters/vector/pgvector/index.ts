export { openPgvectorIndex, type PgvectorIndexOptions } from './open-pgvector-index.js';
export type { PgvectorIndex } from './pgvector-index.js';
