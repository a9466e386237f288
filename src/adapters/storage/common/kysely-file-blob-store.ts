import type { Kysely } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { FileBlobStore } from '../../../ports/file-blob-store.js';
import type { Database } from './database.js';
import type { StorageDialect } from './storage-dialect.js';

/** File bytes on either dialect, base64 in `file_blobs.content` (each call one autocommitted statement). */
export class KyselyFileBlobStore implements FileBlobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async putFileBlob(fileId: string, content: Uint8Array): Promise<void> {
    const row = { file_id: fileId, content: Buffer.from(content).toString('base64') };
    try {
      await this.db.insertInto('file_blobs').values(row).execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `The file ${fileId} has content already`, { cause: error });
      }
      throw error;
    }
  }

  async readFileBlob(fileId: string): Promise<Uint8Array | null> {
    const row = await this.db
      .selectFrom('file_blobs')
      .select('content')
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return row === undefined ? null : new Uint8Array(Buffer.from(row.content, 'base64'));
  }

  async deleteFileBlob(fileId: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('file_blobs').where('file_id', '=', fileId).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }
}
