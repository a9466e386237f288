import { afterAll } from 'vitest';
import { describeVectorIndex } from '../../../../test/contract/vector-index.contract.js';
import { pgvectorIndexesForTest } from './pgvector-indexes-for-test.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const indexes = pgvectorIndexesForTest(url);

afterAll(() => indexes.dropAll());

// Issue 6's 100,000 generated cases for the service suite (SLIPWAY_PGVECTOR_PROPERTY_CASES sets fewer for a quick
// local check). A case is a search plus, three times in four, a write (about 6 round trips); 1,000 queries per
// dataset keep the collections, each with its own partial HNSW index on the one chunks table, few: every index on
// that table adds to the planning and insert cost of every statement.
const cases = Number(process.env.SLIPWAY_PGVECTOR_PROPERTY_CASES ?? 100_000);
describeVectorIndex('pgvector', indexes.open, {
  cases,
  queriesPerDataset: Math.min(1_000, Math.ceil(cases / 8)),
  lanes: 4,
});
