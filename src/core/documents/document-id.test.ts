import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentIdOf, isDocumentId } from './document-id.js';

describe('documentIdOf', () => {
  it('keeps safe characters and joins the rest with dashes', () => {
    expect(documentIdOf('policies/Travel policy.md')).toBe('policies-Travel-policy.md');
    expect(documentIdOf('./a/../b.txt')).toBe('a-..-b.txt');
    expect(documentIdOf('///')).toBeNull();
  });

  it('makes ids isDocumentId accepts, the same for the same name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        const id = documentIdOf(name);
        if (id !== null) expect(isDocumentId(id)).toBe(true);
        expect(documentIdOf(name)).toBe(id);
      }),
    );
  });
});
