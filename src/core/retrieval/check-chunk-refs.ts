import { SlipwayError } from '../errors.js';

/** The most chunk references one `readChunks` call may name. */
const MAX_CHUNK_REFS = 1_000;

/**
 * Checks the references of a `VectorIndex.readChunks` call: at most 1000, each a non-empty document id and a
 * non-negative integer chunk index; throws `invalid_request` (param `chunks`) otherwise.
 * @example checkChunkRefs([{ documentId: 'q3.md', chunkIndex: 0 }]);
 */
export function checkChunkRefs(refs: ReadonlyArray<{ documentId: unknown; chunkIndex: unknown }>): void {
  if (!Array.isArray(refs) || refs.length > MAX_CHUNK_REFS) {
    throw new SlipwayError('invalid_request', `Name at most ${MAX_CHUNK_REFS} chunks`, { param: 'chunks' });
  }
  for (const ref of refs) {
    const { documentId, chunkIndex } = ref;
    if (typeof documentId !== 'string' || documentId === '' || !Number.isSafeInteger(chunkIndex)) {
      throw new SlipwayError('invalid_request', 'A chunk is named by a document id and a chunk index', {
        param: 'chunks',
      });
    }
    if ((chunkIndex as number) < 0) {
      throw new SlipwayError('invalid_request', 'A chunk index is never negative', { param: 'chunks' });
    }
  }
}
