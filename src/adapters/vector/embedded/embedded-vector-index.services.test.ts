import { describe } from 'vitest';
import { describeVectorIndexProperty } from '../../../../test/contract/vector-index.property.js';
import { openEmbeddedVectorIndexForTest } from './open-embedded-vector-index-for-test.js';

// The service suite's share of issue 6's property: 100,000 generated cases (npm test runs 10,000).
describe('embedded: vector index, long property run', () => {
  describeVectorIndexProperty(openEmbeddedVectorIndexForTest, { cases: 100_000 });
});
