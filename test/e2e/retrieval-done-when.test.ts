import { describeRetrievalDoneWhen } from './retrieval-done-when.js';

describeRetrievalDoneWhen({
  name: 'sqlite',
  prepare: () => Promise.resolve({ config: '', drop: () => Promise.resolve() }),
});
