import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VectorStoreFileRecord } from '../../src/core/documents/vector-store-file.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

const aRecord = (overrides: Partial<VectorStoreFileRecord> = {}): VectorStoreFileRecord => ({
  collection: 'reports',
  fileId: 'file-1',
  runId: 'ing_1',
  attributes: { slipway_allow: 'group:finance', year: 2026, draft: false },
  createdAt: T0,
  ...overrides,
});

/**
 * The VectorStoreFileStore contract (src/ports/vector-store-file-store.ts), run against every storage adapter.
 * `open` must return a fresh, empty, migrated store each time.
 */
export function describeVectorStoreFileStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: vector-store files`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('stores, replaces and reads a record by (collection, file)', async () => {
      await store.putVectorStoreFile(aRecord());
      expect(await store.getVectorStoreFile('reports', 'file-1')).toEqual(aRecord());
      const again = aRecord({ runId: 'ing_2', attributes: {}, createdAt: T0 + 5 });
      await store.putVectorStoreFile(again);
      expect(await store.getVectorStoreFile('reports', 'file-1')).toEqual(again);
      expect(await store.getVectorStoreFile('other', 'file-1')).toBeNull();
    });

    it('pages a collection in creation order, both ways, with after and before', async () => {
      for (const [index, fileId] of ['file-a', 'file-b', 'file-c', 'file-d'].entries()) {
        await store.putVectorStoreFile(aRecord({ fileId, createdAt: T0 + (index < 2 ? 0 : index) }));
      }
      await store.putVectorStoreFile(aRecord({ collection: 'other', fileId: 'file-x' }));
      const ids = async (query: { order: 'asc' | 'desc'; after?: string; before?: string; limit?: number }) =>
        (await store.listVectorStoreFiles({ collection: 'reports', limit: 10, ...query })).map(
          (record) => record.fileId,
        );
      expect(await ids({ order: 'asc' })).toEqual(['file-a', 'file-b', 'file-c', 'file-d']);
      expect(await ids({ order: 'desc' })).toEqual(['file-d', 'file-c', 'file-b', 'file-a']);
      expect(await ids({ order: 'asc', after: 'file-a', limit: 2 })).toEqual(['file-b', 'file-c']);
      expect(await ids({ order: 'desc', after: 'file-c' })).toEqual(['file-b', 'file-a']);
      expect(await ids({ order: 'asc', before: 'file-c' })).toEqual(['file-a', 'file-b']);
      expect(await ids({ order: 'desc', before: 'file-b' })).toEqual(['file-d', 'file-c']);
      expect(await ids({ order: 'asc', after: 'file-x' })).toEqual([]);
    });

    it('names the collections of a file, and deletes one record', async () => {
      await store.putVectorStoreFile(aRecord({ collection: 'reports' }));
      await store.putVectorStoreFile(aRecord({ collection: 'archive' }));
      expect(await store.listCollectionsOfFile('file-1')).toEqual(['archive', 'reports']);
      expect(await store.deleteVectorStoreFile('reports', 'file-1')).toBe(true);
      expect(await store.deleteVectorStoreFile('reports', 'file-1')).toBe(false);
      expect(await store.listCollectionsOfFile('file-1')).toEqual(['archive']);
    });
  });
}
