import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEmbeddedVectorIndex } from '../../src/adapters/vector/embedded/index.js';
import { accessFilterFor } from '../../src/core/access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../src/core/access/classification-levels.js';
import type { VectorIndex } from '../../src/ports/vector-index.js';
import { ruleOfDocument } from './access-scenarios.js';
import { CHUNKS_PER_DOCUMENT, type ClusteredDataset } from './clustered-dataset.js';
import type { RetrievalTarget } from './retrieval-target.js';

const COLLECTION = 'bench';

/** The embedded index with its default planner (or BENCH_EMBEDDED_EXACT_MAX), in a SQLite file of a temporary directory. */
export function embeddedTarget(): RetrievalTarget {
  const directory = mkdtempSync(join(tmpdir(), 'slipway-bench-retrieval-'));
  const index: VectorIndex = openEmbeddedVectorIndex({
    path: join(directory, 'vectors.sqlite'),
    // BENCH_EMBEDDED_EXACT_MAX tries another planner threshold (allowed chunks searched exactly).
    ...(process.env.BENCH_EMBEDDED_EXACT_MAX
      ? { exactMaxChunks: Number(process.env.BENCH_EMBEDDED_EXACT_MAX) }
      : {}),
  });
  return {
    name: 'embedded',
    latencyGoalMs: 5,
    async load(dataset: ClusteredDataset) {
      const loadStarted = performance.now();
      await index.createCollection({ name: COLLECTION, dimension: dataset.dimension });
      const { dimension, vectors } = dataset;
      for (const [position, document] of dataset.documents.entries()) {
        const chunks = Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, chunk) => {
          const offset = (position * CHUNKS_PER_DOCUMENT + chunk) * dimension;
          return {
            index: chunk,
            text: `chunk ${chunk} of document ${position}`,
            vector: vectors.subarray(offset, offset + dimension),
          };
        });
        await index.replaceDocument({
          collection: COLLECTION,
          documentId: `d${position}`,
          rule: ruleOfDocument(document),
          chunks,
        });
      }
      const loadSeconds = (performance.now() - loadStarted) / 1_000;
      // The graph is built on the first search that needs it; a search for a user allowed everything triggers it.
      const prepareStarted = performance.now();
      const everything = accessFilterFor(
        {
          kind: 'end_user',
          userId: 'warm',
          groups: dataset.documents.map((document) => `c${document.cluster}`),
          roles: [],
          clearance: null,
        },
        DEFAULT_CLASSIFICATION_LEVELS,
      );
      await index.search({
        collection: COLLECTION,
        vector: dataset.queries[0] as Float32Array,
        k: 10,
        filter: everything,
      });
      return { loadSeconds, prepareSeconds: (performance.now() - prepareStarted) / 1_000 };
    },
    async search(query, k, filter) {
      const result = await index.search({ collection: COLLECTION, vector: query, k, filter });
      return {
        keys: result.chunks.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`),
        path: result.decision.path,
      };
    },
    async close() {
      await index.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
