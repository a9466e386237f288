import { describe, expect, it } from 'vitest';
import { ruleOf, userFilter } from '../../../../test/contract/vector-index-fixtures.js';
import { plannerTrust } from '../../../core/retrieval/walk-trust.js';
import { CollectionMemory, type PlannerSettings } from './collection-memory.js';

const vectorOf = (...values: number[]): Float32Array => Float32Array.from(values);
const finance = userFilter('bo', { groups: ['finance'] });
const query = vectorOf(1, 0, 0, 0);

/** Every search with an allowed chunk in the checked zone, however small the collection. */
const checked = (documentsChunkBudget: number): PlannerSettings => ({
  exactMaxChunks: 0,
  checkedMaxChunks: Number.MAX_SAFE_INTEGER,
  documentsChunkBudget,
  hnswMinChunks: 0,
  hnsw: { m: 16, efConstruction: 100, efSearch: 64 },
  trust: {},
});

/**
 * Finance may read two documents near the query (m0, m1) and six far ones (f0…f5, f5 the nearest of them); audit's
 * documents are nearer still. The exact top 5 of a finance search is the four near chunks and f5#1.
 */
function loadFinance(memory: CollectionMemory): void {
  const chunks = (...vectors: Float32Array[]) => vectors.map((vector, index) => ({ index, vector }));
  memory.put('m0', {
    rule: ruleOf({ groups: ['finance'] }),
    chunks: chunks(vectorOf(1, 0.1, 0, 0), vectorOf(1, 0.3, 0, 0)),
  });
  memory.put('m1', {
    rule: ruleOf({ groups: ['finance'] }),
    chunks: chunks(vectorOf(1, 0.2, 0, 0), vectorOf(1, 0.4, 0, 0)),
  });
  for (let far = 0; far < 6; far += 1) {
    memory.put(`f${far}`, {
      rule: ruleOf({ groups: ['finance'] }),
      chunks: chunks(vectorOf(-1, 1 + far, 0, 0), vectorOf(-1, 1 + far, 0.1, 0)),
    });
  }
  for (let denied = 0; denied < 8; denied += 1) {
    memory.put(`a${denied}`, {
      rule: ruleOf({ groups: ['audit'] }),
      chunks: chunks(vectorOf(1, 0, 0, 0.01 * denied), vectorOf(1, 0.01 * denied, 0, 0)),
    });
  }
}

const keysOf = (memory: CollectionMemory, hits: { label: number }[]): string[] =>
  hits.map(({ label }) => {
    const { documentId, chunkIndex } = memory.locate(label);
    return `${documentId}#${chunkIndex}`;
  });

/** A trust whose walk has already missed for finance in its 8 trials, as walks do when the allowed chunks are whole topics. */
function trustDistrustingTheWalk() {
  const trust = plannerTrust(1_000);
  for (let trial = 0; trial < 8; trial += 1) trust.walk.record(0, finance, 0);
  return trust;
}

describe('CollectionMemory: the checked zone', () => {
  it('answers from the nearest documents once their checks matched, checking again as the trusts say', () => {
    const memory = new CollectionMemory(4, checked(5), trustDistrustingTheWalk());
    loadFinance(memory);
    const answers = Array.from({ length: 24 }, () => memory.search(query, 5, finance));
    for (const answer of answers) {
      expect(keysOf(memory, answer.hits)).toEqual(['m0#0', 'm1#0', 'm0#1', 'm1#1', 'f5#1']);
    }
    // The walk's trials were over before the first search, so its own re-check (the 16th search) comes first.
    expect(answers.map((answer) => answer.decision.path)).toEqual([
      ...Array<string>(8).fill('exact'),
      ...Array<string>(7).fill('documents'),
      'exact',
      ...Array<string>(8).fill('documents'),
    ]);
    // m0, m1 and f5: 6 of the 16 allowed chunks.
    expect(answers[8]?.decision).toEqual({
      path: 'documents',
      allowedChunks: 16,
      deniedChunks: 16,
      candidatesExamined: 6,
    });
    // A check compares every allowed chunk, walks, and reads the nearest documents.
    expect(answers[0]?.decision.candidatesExamined).toBeGreaterThan(16 + 6);
  });

  it('ranks a replaced document by its new chunks, and follows a rule change on the next search', () => {
    const memory = new CollectionMemory(4, checked(5), trustDistrustingTheWalk());
    loadFinance(memory);
    for (let search = 0; search < 8; search += 1) memory.search(query, 5, finance);
    memory.put('f0', {
      rule: ruleOf({ groups: ['finance'] }),
      chunks: [
        { index: 0, vector: vectorOf(1, 0.05, 0, 0) },
        { index: 1, vector: vectorOf(1, 0.35, 0, 0) },
      ],
    });
    const moved = memory.search(query, 5, finance);
    expect(moved.decision.path).toBe('documents');
    expect(keysOf(memory, moved.hits)).toEqual(['f0#0', 'm0#0', 'm1#0', 'm0#1', 'f0#1']);
    memory.setRule('f0', ruleOf({ groups: ['audit'] }));
    const after = memory.search(query, 5, finance);
    expect(after.decision).toMatchObject({ path: 'documents', allowedChunks: 14 });
    expect(keysOf(memory, after.hits)).toEqual(['m0#0', 'm1#0', 'm0#1', 'm1#1', 'f5#1']);
  });

  it('stays exact when the nearest documents miss too', () => {
    // A budget of 4 chunks holds m0 and m1 only: 4 of the 5 chunks asked for.
    const memory = new CollectionMemory(4, checked(4), trustDistrustingTheWalk());
    loadFinance(memory);
    const paths = Array.from({ length: 24 }, () => memory.search(query, 5, finance).decision.path);
    expect(paths).toEqual(Array<string>(24).fill('exact'));
  });

  it('walks once the walk has matched in its checks, which a filter over every document does here', () => {
    const memory = new CollectionMemory(4, checked(5));
    loadFinance(memory);
    const paths = Array.from({ length: 10 }, () => memory.search(query, 5, finance).decision.path);
    expect(paths).toEqual([...Array<string>(8).fill('exact'), 'hnsw', 'hnsw']);
  });
});
