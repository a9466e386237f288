import { describeVectorIndex } from '../../../../test/contract/vector-index.contract.js';
import { openEmbeddedVectorIndexForTest } from './open-embedded-vector-index-for-test.js';

describeVectorIndex('embedded', openEmbeddedVectorIndexForTest);
