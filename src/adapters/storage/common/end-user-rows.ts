import type { Insertable, Selectable } from 'kysely';
import type { EndUser, EndUserFields } from '../../../core/end-user.js';
import type { EndUsersTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

/** The row of an end user's entry; `createdAt` is kept by the upsert when the entry exists. */
export function toEndUserRow(
  user: EndUserFields,
  at: number,
): Insertable<EndUsersTable> & { clearance: string | null; disabled: number } {
  return {
    id: user.id,
    name: user.name,
    groups: encodeJson(user.groups) ?? '[]',
    roles: encodeJson(user.roles) ?? '[]',
    clearance: user.clearance,
    disabled: user.disabled ? 1 : 0,
    created_at: at,
    updated_at: at,
  };
}

export function toEndUser(row: Selectable<EndUsersTable>): EndUser {
  return {
    id: row.id,
    name: row.name,
    groups: decodeJson(row.groups) as string[],
    roles: decodeJson(row.roles) as string[],
    clearance: row.clearance,
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
