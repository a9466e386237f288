import { createFreshDatabase } from '../services/fresh-database.js';
import { describeRetrievalDoneWhen } from './retrieval-done-when.js';

describeRetrievalDoneWhen({
  name: 'postgres + pgvector',
  async prepare() {
    const database = await createFreshDatabase('slipway_retrieval');
    return {
      config: `store:\n  kind: postgres\n  url: ${JSON.stringify(database.url)}\nretrieval:\n  index: pgvector\n`,
      drop: () => database.drop(),
    };
  },
});
