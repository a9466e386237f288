// Test planner forcing shared by both vector adapters' test helpers (built sources may not import test/).
/**
 * `documents`: the checked zone with a walk that can never be trusted (no walk reaches recall 2) and nearest
 * documents trusted after their first check, over a budget of 6 chunks, so that most searches take the documents
 * path and many of those fall short of k and go exact.
 */
export const DOCUMENTS_FORCING = Object.freeze({
  exactMaxChunks: 0,
  checkedMaxChunks: Number.MAX_SAFE_INTEGER,
  documentsChunkBudget: 6,
  trust: {
    walk: { trials: 1, checkEvery: Number.MAX_SAFE_INTEGER, minRecall: 2 },
    documents: { trials: 1, checkEvery: Number.MAX_SAFE_INTEGER, minRecall: 0 },
  },
});
