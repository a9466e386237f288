import type { Insertable, Selectable } from 'kysely';
import type { ApiKeyRecord, LimitPolicy, Role } from '../../../core/identity.js';
import type { ApiKeysTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

export function toApiKeyRow(key: ApiKeyRecord): Insertable<ApiKeysTable> {
  return {
    id: key.id,
    project_id: key.projectId,
    name: key.name,
    role: key.role,
    secret_hash: key.secretHash,
    display_prefix: key.displayPrefix,
    created_at: key.createdAt,
    expires_at: key.expiresAt ?? null,
    revoked_at: key.revokedAt ?? null,
    allowed_models: key.allowedModels === null ? null : encodeJson(key.allowedModels),
    limits: encodeJson(key.limits) ?? '{}',
    act_as_end_user: key.actAsEndUser === true ? 1 : 0,
  };
}

export function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    role: row.role as Role,
    secretHash: row.secret_hash,
    displayPrefix: row.display_prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    allowedModels: decodeJson(row.allowed_models) as string[] | null,
    limits: decodeJson(row.limits) as LimitPolicy,
    // Only when granted, so that the many keys without it read back exactly as they were written.
    ...(row.act_as_end_user ? { actAsEndUser: true } : {}),
  };
}
