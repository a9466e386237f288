import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';

/**
 * The FileBlobStore contract (src/ports/file-blob-store.ts), run against every storage adapter. `open` must
 * return a fresh, empty, migrated store each time.
 */
export function describeFileBlobStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: file blobs`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('keeps any bytes exactly, the empty file included', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4_096 }), fc.uuid(), async (content, id) => {
          const fileId = `file-${id}`;
          await store.putFileBlob(fileId, content);
          expect(await store.readFileBlob(fileId)).toEqual(content);
          expect(await store.deleteFileBlob(fileId)).toBe(true);
        }),
        { numRuns: 50 },
      );
    });

    it('refuses a second content for one file as a conflict', async () => {
      await store.putFileBlob('file-a', new Uint8Array([1]));
      await expect(store.putFileBlob('file-a', new Uint8Array([2]))).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await store.readFileBlob('file-a')).toEqual(new Uint8Array([1]));
    });

    it('reads and deletes missing content as null and false', async () => {
      await store.putFileBlob('file-a', new Uint8Array([0, 255]));
      expect(await store.deleteFileBlob('file-a')).toBe(true);
      expect(await store.readFileBlob('file-a')).toBeNull();
      expect(await store.deleteFileBlob('file-a')).toBe(false);
    });
  });
}
