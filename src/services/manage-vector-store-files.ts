import type { ClassificationLevels } from '../core/access/classification-levels.js';
import { accessRuleOfAttributes } from '../core/documents/access-rule-of-attributes.js';
import { isDocumentFilePurpose } from '../core/documents/document-file-purpose.js';
import {
  type VectorStoreFileAttributes,
  type VectorStoreFileRecord,
  type VectorStoreFileStatus,
  vectorStoreFileStatusOf,
} from '../core/documents/vector-store-file.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentCatalog, IngestionActor } from '../ports/document-catalog.js';
import type { FileBlobStore } from '../ports/file-blob-store.js';
import type { VectorStoreFileStore } from '../ports/vector-store-file-store.js';
import { authorize } from './authenticate-caller.js';
import type { DocumentCollections } from './document-collections.js';
import type { DocumentManagement } from './manage-documents.js';
import { ownedFile } from './owned-file.js';
import type { StartIngestion } from './start-ingestion.js';

export interface VectorStoreFilesDeps {
  store: Pick<BatchStore, 'getFile'> &
    Pick<FileBlobStore, 'readFileBlob'> &
    VectorStoreFileStore &
    Pick<DocumentCatalog, 'getIngestionRun' | 'getIngestionItem' | 'getDocument'>;
  collections: Pick<DocumentCollections, 'get'>;
  startIngestion: StartIngestion;
  removeDocument: DocumentManagement['remove'];
  levels: ClassificationLevels;
  clock: Clock;
}

/** A vector-store file with its ingestion's progress. */
export interface VectorStoreFileView extends VectorStoreFileRecord {
  status: VectorStoreFileStatus;
  /** Why ingestion failed; null unless `failed`. */
  error: string | null;
  /** The bytes of the indexed document; 0 until it is indexed. */
  usageBytes: number;
}

const actorOf = (caller: Caller): IngestionActor => ({
  kind: 'api_key',
  id: caller.keyId,
  role: caller.role,
  label: caller.keyId,
});

/**
 * `/v1/vector_stores/{id}/files`: adds a document file to a collection through the ingestion of the admin API
 * (one `docs.ingest` job; the file's id is the document's id, so search results name it), reports its progress,
 * and removes it (every chunk and vector; the file stays). Adding and removing need the manage permission; the
 * access rule comes from the `slipway_allow` and `slipway_classification` attributes and names nobody without
 * them (src/core/documents/access-rule-of-attributes.ts).
 * @example await vectorStoreFiles.add({ caller, collection: 'reports', fileId, attributes: { slipway_allow: 'group:finance' } });
 */
export function makeVectorStoreFiles(deps: VectorStoreFilesDeps) {
  async function collectionNamed(name: string): Promise<string> {
    try {
      return (await deps.collections.get(name)).name;
    } catch (error) {
      if (error instanceof SlipwayError && error.code === 'not_found') {
        throw new SlipwayError('not_found', `No vector store with id "${name}".`, {
          param: 'vector_store_id',
        });
      }
      throw error;
    }
  }

  async function recordOf(collection: string, fileId: string): Promise<VectorStoreFileRecord> {
    const record = await deps.store.getVectorStoreFile(await collectionNamed(collection), fileId);
    if (record === null) {
      throw new SlipwayError('not_found', `No file "${fileId}" in vector store "${collection}".`, {
        param: 'file_id',
      });
    }
    return record;
  }

  async function viewOf(record: VectorStoreFileRecord): Promise<VectorStoreFileView> {
    const run = await deps.store.getIngestionRun(record.runId);
    if (run === null || run.status === 'running') {
      return { ...record, status: 'in_progress', error: null, usageBytes: 0 };
    }
    const item = await deps.store.getIngestionItem(record.runId, record.fileId);
    const status = vectorStoreFileStatusOf(item?.outcome ?? 'failed');
    // No last error: its document was deleted before it was indexed, which is no failure of the file.
    if (status === 'cancelled') return { ...record, status, error: null, usageBytes: 0 };
    if (status !== 'completed') {
      return { ...record, status, error: item?.error ?? 'The ingestion is gone.', usageBytes: 0 };
    }
    const document = await deps.store.getDocument(record.collection, record.fileId);
    return { ...record, status, error: null, usageBytes: document?.bytes ?? 0 };
  }

  async function add(input: {
    caller: Caller;
    collection: string;
    fileId: string;
    attributes: VectorStoreFileAttributes;
  }): Promise<VectorStoreFileView> {
    authorize(input.caller, 'manage');
    const collection = await collectionNamed(input.collection);
    const file = await ownedFile(deps.store, input.caller, input.fileId);
    if (!isDocumentFilePurpose(file.purpose)) {
      throw new SlipwayError(
        'invalid_request',
        `The file ${file.id} has purpose '${file.purpose}'; vector stores take files uploaded with purpose 'assistants' or 'user_data'.`,
        { param: 'file_id' },
      );
    }
    const rule = accessRuleOfAttributes(input.attributes, deps.levels);
    const content = await deps.store.readFileBlob(file.id);
    if (content === null)
      throw new SlipwayError('not_found', `No such file: ${file.id}`, { param: 'file_id' });
    const run = await deps.startIngestion({
      collection,
      files: [{ name: file.filename, documentId: file.id, mediaType: null, content }],
      allow: [],
      classification: null,
      rule,
      actor: actorOf(input.caller),
    });
    const record: VectorStoreFileRecord = {
      collection,
      fileId: file.id,
      runId: run.id,
      attributes: input.attributes,
      createdAt: deps.clock.now(),
    };
    await deps.store.putVectorStoreFile(record);
    return { ...record, status: 'in_progress', error: null, usageBytes: 0 };
  }

  async function list(query: {
    collection: string;
    limit: number;
    order: 'asc' | 'desc';
    after?: string;
    before?: string;
  }): Promise<{ data: VectorStoreFileView[]; hasMore: boolean }> {
    const collection = await collectionNamed(query.collection);
    const records = await deps.store.listVectorStoreFiles({ ...query, collection, limit: query.limit + 1 });
    const data = await Promise.all(records.slice(0, query.limit).map(viewOf));
    return { data, hasMore: records.length > query.limit };
  }

  async function remove(input: { caller: Caller; collection: string; fileId: string }): Promise<void> {
    authorize(input.caller, 'manage');
    const record = await recordOf(input.collection, input.fileId);
    // Removing the document cancels its ingestion too, whether the job has not run yet or is running now.
    try {
      await deps.removeDocument({
        collection: record.collection,
        documentId: record.fileId,
        actor: actorOf(input.caller),
      });
    } catch (error) {
      // Nothing was indexed or pending (its ingestion failed): there is nothing to remove but the record.
      if (!(error instanceof SlipwayError && error.code === 'not_found')) throw error;
    }
    await deps.store.deleteVectorStoreFile(record.collection, record.fileId);
  }

  return {
    add,
    get: async (collection: string, fileId: string) => viewOf(await recordOf(collection, fileId)),
    list,
    remove,
  };
}

export type VectorStoreFiles = ReturnType<typeof makeVectorStoreFiles>;
