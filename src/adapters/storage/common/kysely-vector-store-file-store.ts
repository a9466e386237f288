import type { Kysely, Selectable } from 'kysely';
import type {
  VectorStoreFileAttributes,
  VectorStoreFileRecord,
} from '../../../core/documents/vector-store-file.js';
import type {
  VectorStoreFilePageQuery,
  VectorStoreFileStore,
} from '../../../ports/vector-store-file-store.js';
import type { Database, VectorStoreFilesTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

const toRecord = (row: Selectable<VectorStoreFilesTable>): VectorStoreFileRecord => ({
  collection: row.collection,
  fileId: row.file_id,
  runId: row.run_id,
  attributes: decodeJson(row.attributes) as VectorStoreFileAttributes,
  createdAt: Number(row.created_at),
});

/** Vector-store files on either dialect. */
export class KyselyVectorStoreFileStore implements VectorStoreFileStore {
  constructor(private readonly db: Kysely<Database>) {}

  async putVectorStoreFile(record: VectorStoreFileRecord): Promise<void> {
    const row = {
      collection: record.collection,
      file_id: record.fileId,
      run_id: record.runId,
      attributes: encodeJson(record.attributes) ?? '{}',
      created_at: record.createdAt,
    };
    await this.db
      .insertInto('vector_store_files')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['collection', 'file_id']).doUpdateSet({
          run_id: row.run_id,
          attributes: row.attributes,
          created_at: row.created_at,
        }),
      )
      .execute();
  }

  async getVectorStoreFile(collection: string, fileId: string): Promise<VectorStoreFileRecord | null> {
    const row = await this.db
      .selectFrom('vector_store_files')
      .selectAll()
      .where('collection', '=', collection)
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async listVectorStoreFiles(query: VectorStoreFilePageQuery): Promise<VectorStoreFileRecord[]> {
    let select = this.db
      .selectFrom('vector_store_files')
      .selectAll()
      .where('collection', '=', query.collection);
    for (const [cursor, side] of [
      [query.after, query.order === 'asc' ? '>' : '<'],
      [query.before, query.order === 'asc' ? '<' : '>'],
    ] as const) {
      if (cursor === undefined) continue;
      const mark = await this.getVectorStoreFile(query.collection, cursor);
      if (mark === null) return [];
      select = select.where((where) =>
        where.or([
          where('created_at', side, mark.createdAt),
          where.and([where('created_at', '=', mark.createdAt), where('file_id', side, mark.fileId)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('created_at', query.order)
      .orderBy('file_id', query.order)
      .limit(query.limit)
      .execute();
    return rows.map(toRecord);
  }

  async listCollectionsOfFile(fileId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('vector_store_files')
      .select('collection')
      .where('file_id', '=', fileId)
      .orderBy('collection')
      .execute();
    return rows.map((row) => row.collection);
  }

  async deleteVectorStoreFile(collection: string, fileId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('vector_store_files')
      .where('collection', '=', collection)
      .where('file_id', '=', fileId)
      .executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }
}
