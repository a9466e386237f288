import type { AccessFilter } from '../../src/core/access/access-filter.js';
import { isAllowed } from '../../src/core/access/is-allowed.js';
import { ruleOfDocument } from './access-scenarios.js';
import { CHUNKS_PER_DOCUMENT, type ClusteredDataset } from './clustered-dataset.js';

/**
 * The true top-k chunk keys (`d<doc>#<chunk>`) of a query among the chunks `filter` admits: a plain scan written
 * apart from any index, so recall is measured against something the index under test did not compute.
 */
export function exactNeighbours(
  dataset: ClusteredDataset,
  allowedDocuments: number[],
  query: Float32Array,
  k: number,
): string[] {
  const scored: { key: string; score: number }[] = [];
  const { dimension, vectors } = dataset;
  for (const document of allowedDocuments) {
    for (let chunk = 0; chunk < CHUNKS_PER_DOCUMENT; chunk += 1) {
      const offset = (document * CHUNKS_PER_DOCUMENT + chunk) * dimension;
      let score = 0;
      for (let index = 0; index < dimension; index += 1)
        score += (vectors[offset + index] as number) * (query[index] as number);
      scored.push({ key: `d${document}#${chunk}`, score });
    }
  }
  return scored
    .sort((left, right) => right.score - left.score)
    .slice(0, k)
    .map((entry) => entry.key);
}

export function allowedDocumentsOf(dataset: ClusteredDataset, filter: AccessFilter): number[] {
  const allowed: number[] = [];
  for (const [position, document] of dataset.documents.entries()) {
    if (isAllowed(ruleOfDocument(document), filter)) allowed.push(position);
  }
  return allowed;
}
