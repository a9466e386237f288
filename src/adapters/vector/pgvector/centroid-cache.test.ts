import { describe, expect, it } from 'vitest';
import { CentroidCache } from './centroid-cache.js';
import type { DocumentCentroid } from '../../../core/retrieval/nearest-documents.js';

const documentOf = (id: string, dimension = 4): DocumentCentroid => ({
  id,
  chunkCount: 2,
  centroid: new Float32Array(dimension),
});

describe('CentroidCache', () => {
  it('answers only when every document asked for is cached at the version asked for', () => {
    const cache = new CentroidCache(1_000_000);
    cache.add(1, 'v1', [documentOf('a'), documentOf('b')]);
    expect(cache.get(1, 'v1', ['b', 'a'])?.map((document) => document.id)).toEqual(['b', 'a']);
    expect(cache.get(1, 'v1', ['a', 'c'])).toBeUndefined();
    expect(cache.get(1, 'v2', ['a'])).toBeUndefined();
    expect(cache.get(2, 'v1', ['a'])).toBeUndefined();
    expect(cache.missing(1, 'v1', ['a', 'c'])).toEqual(['c']);
    expect(cache.missing(1, 'v2', ['a', 'c'])).toEqual(['a', 'c']);
  });

  it('adds to an entry of the same version and replaces one of another', () => {
    const cache = new CentroidCache(1_000_000);
    cache.add(1, 'v1', [documentOf('a')]);
    cache.add(1, 'v1', [documentOf('b')]);
    expect(cache.get(1, 'v1', ['a', 'b'])).toHaveLength(2);
    cache.add(1, 'v2', [documentOf('c')]);
    expect(cache.missing(1, 'v2', ['a', 'b', 'c'])).toEqual(['a', 'b']);
  });

  it('drops the least recently used collection past its bound, and keeps none larger than the bound', () => {
    // Each document: 160 bytes of overhead, 2 for its one-letter id, 4,000 for its vector.
    const cache = new CentroidCache(9_000);
    cache.add(1, 'v', [documentOf('a', 1_000)]);
    cache.add(2, 'v', [documentOf('a', 1_000)]);
    expect(cache.get(1, 'v', ['a'])).toHaveLength(1);
    cache.add(3, 'v', [documentOf('a', 1_000)]);
    expect(cache.get(2, 'v', ['a'])).toBeUndefined();
    expect(cache.get(1, 'v', ['a'])).toHaveLength(1);
    expect(cache.get(3, 'v', ['a'])).toHaveLength(1);
    cache.add(4, 'v', [documentOf('a', 1_000), documentOf('b', 1_000), documentOf('c', 1_000)]);
    expect(cache.get(4, 'v', ['a'])).toBeUndefined();
    expect(cache.get(1, 'v', ['a'])).toHaveLength(1);
  });
});
