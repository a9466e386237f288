import type { FileRecord } from '../core/batch.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { BatchStore } from '../ports/batch-store.js';

/**
 * The caller's project's file with this id. Another project's file is `not_found`, as a missing one is: its
 * existence is not the caller's business.
 * @example const file = await ownedFile(store, caller, 'file-01J…');
 */
export async function ownedFile(
  store: Pick<BatchStore, 'getFile'>,
  caller: Pick<Caller, 'projectId'>,
  id: string,
): Promise<FileRecord> {
  const file = await store.getFile(id);
  if (file === null || file.projectId !== caller.projectId) {
    throw new SlipwayError('not_found', `No such file: ${id}`, { param: 'file_id' });
  }
  return file;
}
