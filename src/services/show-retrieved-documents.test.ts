import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import { isAllowed } from '../core/access/is-allowed.js';
import type { AccessRule } from '../core/access/access-rule.js';
import type { EndUser } from '../core/end-user.js';
import type { InteractionRecord } from '../core/interaction.js';
import type { ChunkReadRequest } from '../ports/vector-index.js';
import { makeShowRetrievedDocuments } from './show-retrieved-documents.js';

const rule = (overrides: Partial<AccessRule>): AccessRule => ({
  everyone: false,
  users: [],
  groups: [],
  roles: [],
  classification: null,
  ...overrides,
});
const rules: Record<string, AccessRule> = {
  'q3.md': rule({ groups: ['finance'] }),
  'faq.md': rule({ everyone: true }),
};
const fiona: EndUser = {
  id: 'fiona@example.com',
  name: 'Fiona',
  groups: ['finance'],
  roles: [],
  clearance: 'confidential',
  disabled: false,
  createdAt: 0,
  updatedAt: 0,
};

function show(directory: EndUser[] = [fiona]) {
  const reads: ChunkReadRequest[] = [];
  const shower = makeShowRetrievedDocuments({
    index: {
      readChunks(request) {
        reads.push(request);
        return Promise.resolve(
          request.chunks
            .filter((chunk) => {
              const documentRule = rules[chunk.documentId];
              return documentRule !== undefined && isAllowed(documentRule, request.filter);
            })
            .map((chunk) => ({ ...chunk, text: `text of ${chunk.documentId}` })),
        );
      },
    },
    directory: { getEndUser: (id) => Promise.resolve(directory.find((entry) => entry.id === id) ?? null) },
    levels: DEFAULT_CLASSIFICATION_LEVELS,
  });
  return { shower, reads };
}

const record = {
  id: 'int_1',
  retrievedDocuments: [
    { collection: 'reports', documentId: 'q3.md', chunkIndex: 0, score: 0.9 },
    { collection: 'reports', documentId: 'faq.md', chunkIndex: 1, score: 0.5 },
  ],
} as unknown as InteractionRecord;

describe('show retrieved documents', () => {
  it('shows a person mapped to a directory end user by e-mail what that end user may read', async () => {
    const { shower } = show();
    const shown = await shower(record, { kind: 'user', label: 'fiona@example.com' });
    expect(shown.retrievedDocuments).toEqual([
      expect.objectContaining({ documentId: 'q3.md', text: 'text of q3.md', withheld: false }),
      expect.objectContaining({ documentId: 'faq.md', text: 'text of faq.md', withheld: false }),
    ]);
  });

  it('withholds from an API key, an unmapped person and a disabled one everything not public', async () => {
    for (const [viewer, directory] of [
      [{ kind: 'api_key', label: 'key_admin' }, [fiona]],
      [{ kind: 'user', label: 'ed@example.com' }, [fiona]],
      [{ kind: 'user', label: 'fiona@example.com' }, [{ ...fiona, disabled: true }]],
    ] as const) {
      const { shower, reads } = show([...directory]);
      const shown = await shower(record, viewer);
      expect(reads[0]?.filter.userId).toBeNull();
      expect(shown.retrievedDocuments).toEqual([
        expect.objectContaining({ documentId: 'q3.md', text: '[withheld: not cleared]', withheld: true }),
        expect.objectContaining({ documentId: 'faq.md', text: 'text of faq.md', withheld: false }),
      ]);
    }
  });

  it('leaves records without references alone and ignores entries that are not references', async () => {
    const { shower, reads } = show();
    const plain = { id: 'int_2', retrievedDocuments: [{ text: 'legacy' }] } as unknown as InteractionRecord;
    expect(await shower(plain, { kind: 'api_key', label: 'k' })).toBe(plain);
    expect(reads).toEqual([]);
  });
});
