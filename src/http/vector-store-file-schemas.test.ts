import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { parseCreateVectorStoreFile, parseVectorStoreFileListQuery } from './vector-store-file-schemas.js';

describe('parseCreateVectorStoreFile', () => {
  it('reads a file id and attributes, which default to none', () => {
    expect(parseCreateVectorStoreFile({ file_id: 'file-1' })).toEqual({ fileId: 'file-1', attributes: {} });
    expect(
      parseCreateVectorStoreFile({
        file_id: 'file-1',
        attributes: { slipway_allow: 'group:finance', year: 2026, draft: false },
        chunking_strategy: { type: 'auto' },
      }),
    ).toEqual({ fileId: 'file-1', attributes: { slipway_allow: 'group:finance', year: 2026, draft: false } });
  });

  it('refuses a missing file id, unknown fields, nested attribute values and a static chunking strategy', () => {
    for (const [body, param] of [
      [{}, 'file_id'],
      [{ file_id: 'file-1', access: { groups: ['x'] } }, undefined],
      [{ file_id: 'file-1', attributes: { a: { b: 1 } } }, 'attributes.a'],
      [{ file_id: 'file-1', chunking_strategy: { type: 'static' } }, 'chunking_strategy.type'],
    ] as const) {
      expect(() => parseCreateVectorStoreFile(body)).toThrow(
        expect.objectContaining({ code: 'invalid_request', param }) as Error,
      );
    }
  });

  it('answers any JSON value with a result or invalid_request, never another error (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        try {
          parseCreateVectorStoreFile(body);
        } catch (error) {
          expect(error).toBeInstanceOf(SlipwayError);
          expect((error as SlipwayError).code).toBe('invalid_request');
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('parseVectorStoreFileListQuery', () => {
  it('defaults to 20, newest first, and refuses a status filter and bad limits', () => {
    expect(parseVectorStoreFileListQuery({})).toEqual({ limit: 20, order: 'desc' });
    expect(parseVectorStoreFileListQuery({ limit: '5', order: 'asc', after: 'file-1' })).toEqual({
      limit: 5,
      order: 'asc',
      after: 'file-1',
    });
    for (const query of [{ filter: 'completed' }, { limit: '0' }, { limit: '101' }, { limit: 'x' }]) {
      expect(() => parseVectorStoreFileListQuery(query)).toThrow(
        expect.objectContaining({ code: 'invalid_request' }) as Error,
      );
    }
  });
});
