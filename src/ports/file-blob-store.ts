/**
 * The bytes of files kept whole (purposes `assistants` and `user_data` of `/v1/files`), beside their rows in the
 * batch store's `files` table: documents such as PDF and DOCX are binary, where the batch files' line storage
 * holds text.
 *
 * Contract (test/contract/file-blob-store.contract.ts runs it on SQLite and PostgreSQL):
 * - `putFileBlob` stores the bytes exactly (any byte value, empty included); a file id that has bytes is
 *   `conflict`.
 * - `readFileBlob` returns the bytes as stored, or null when the file has none.
 * - `deleteFileBlob` removes them and returns false when there were none.
 * @example await store.putFileBlob('file-01J…', content);
 */
export interface FileBlobStore {
  putFileBlob(fileId: string, content: Uint8Array): Promise<void>;
  readFileBlob(fileId: string): Promise<Uint8Array | null>;
  deleteFileBlob(fileId: string): Promise<boolean>;
}
