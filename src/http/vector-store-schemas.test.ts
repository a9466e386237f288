import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { parseChatRetrieval, parseVectorStoreSearch } from './vector-store-schemas.js';

describe('vector store schemas', () => {
  it('reads a search with defaults and refuses attribute filters and query rewriting', () => {
    expect(parseVectorStoreSearch({ query: 'revenue' })).toEqual({
      query: 'revenue',
      queries: ['revenue'],
      maxResults: 10,
      scoreThreshold: 0,
    });
    expect(() => parseVectorStoreSearch({ query: 'q', filters: { type: 'eq', key: 'a', value: 1 } })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'filters' }),
    );
    expect(() => parseVectorStoreSearch({ query: 'q', rewrite_query: true })).toThrow(
      expect.objectContaining({ param: 'rewrite_query' }),
    );
    expect(() => parseVectorStoreSearch({ query: 'q', max_num_results: 51 })).toThrow(
      expect.objectContaining({ param: 'max_num_results' }),
    );
  });

  it('reads the chat retrieval extension: exactly one of collection and vector_store_id', () => {
    expect(parseChatRetrieval({ vector_store_id: 'reports' })).toEqual({ collection: 'reports', k: 4 });
    expect(parseChatRetrieval(undefined)).toBeNull();
    expect(() => parseChatRetrieval({ collection: 'a', vector_store_id: 'b' })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'retrieval' }),
    );
    expect(() => parseChatRetrieval({ collection: 'a', k: 0 })).toThrow(
      expect.objectContaining({ param: 'retrieval.k' }),
    );
  });

  it('never throws anything but invalid_request on any input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (search, retrieval) => {
        for (const parse of [() => parseVectorStoreSearch(search), () => parseChatRetrieval(retrieval)]) {
          try {
            parse();
          } catch (error) {
            expect(error).toBeInstanceOf(SlipwayError);
            expect((error as SlipwayError).code).toBe('invalid_request');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
