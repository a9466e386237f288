import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ApiKeyRecord } from '../../../core/identity.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ApiKeyStore } from '../../../ports/api-key-store.js';
import { toApiKeyRecord, toApiKeyRow } from './api-key-rows.js';
import type { Database } from './database.js';
import type { StorageDialect } from './storage-dialect.js';

export class KyselyApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    try {
      await this.db.insertInto('api_keys').values(toApiKeyRow(key)).execute();
    } catch (error) {
      switch (this.dialect.constraintViolationOf(error)) {
        case 'unique':
          throw new SlipwayError('conflict', `An API key with id ${key.id} or the same secret exists`, {
            cause: error,
          });
        case 'foreign_key':
          throw new SlipwayError('not_found', `No project with id ${key.projectId}`, { cause: error });
        case null:
          throw error;
      }
    }
  }

  async findApiKeyByHash(secretHash: string): Promise<ApiKeyRecord | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row === undefined ? null : toApiKeyRecord(row);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toApiKeyRecord(row);
  }

  async listApiKeys(filter: { projectId?: string }): Promise<ApiKeyRecord[]> {
    let query = this.db.selectFrom('api_keys').selectAll();
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toApiKeyRecord);
  }

  async revokeApiKey(id: string, at: number): Promise<boolean> {
    // coalesce keeps the first time atomically, even when two revocations race.
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: sql<number>`coalesce(revoked_at, ${at})` })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
