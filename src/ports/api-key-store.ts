import type { ApiKeyRecord } from '../core/identity.js';

/** API keys, stored as digests. */
export interface ApiKeyStore {
  /** Inserts a key. Throws `conflict` when the id or the digest exists, `not_found` when the project does not. */
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose secret has this digest, revoked or expired ones included (the caller decides); null if none. */
  findApiKeyByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  /** Null when absent. */
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  /** Newest first; only one project's keys when `projectId` is given. */
  listApiKeys(filter: { projectId?: string }): Promise<ApiKeyRecord[]>;
  /** Sets `revokedAt` once. Returns false when the key does not exist; revoking twice keeps the first time. */
  revokeApiKey(id: string, at: number): Promise<boolean>;
}
