import type { FileRecord } from '../core/batch.js';
import type { DocumentFilePurpose } from '../core/documents/document-file-purpose.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentParser } from '../ports/document-parser.js';
import type { FileBlobStore } from '../ports/file-blob-store.js';
import type { Random } from '../ports/random.js';
import type { VectorStoreFileStore } from '../ports/vector-store-file-store.js';
import { authorize } from './authenticate-caller.js';
import { newFileId } from './batch-ids.js';

export interface DocumentFilesDeps {
  store: Pick<BatchStore, 'insertFile' | 'deleteFile'> &
    FileBlobStore &
    Pick<VectorStoreFileStore, 'listCollectionsOfFile'>;
  parser: Pick<DocumentParser, 'mediaTypeOf'>;
  clock: Clock;
  random: Random;
  /** Largest document file (config `retrieval.maxUploadBytes`). */
  maxFileBytes: number;
  /** Removes the file's document from a vector store it was added to (its chunks and vectors). */
  removeFromVectorStore(input: { caller: Caller; collection: string; fileId: string }): Promise<void>;
}

export interface DocumentFileUpload {
  caller: Caller;
  filename: string;
  purpose: DocumentFilePurpose;
  content: Uint8Array;
}

/**
 * `/v1/files` for documents (purposes `assistants` and `user_data`): kept as bytes, whatever they hold. The format
 * is checked on upload from the file name's extension (txt, md, html, pdf, docx), so that an unsupported file is
 * refused before anyone tries to add it to a vector store. Deleting a file removes it from every vector store
 * first, as OpenAI does; when it is in one, that needs the manage permission, which adding it needed too.
 * @example const file = await documentFiles.upload({ caller, filename: 'q3.pdf', purpose: 'assistants', content });
 */
export function makeDocumentFiles(deps: DocumentFilesDeps) {
  async function upload(input: DocumentFileUpload): Promise<FileRecord> {
    if (input.content.byteLength > deps.maxFileBytes) {
      throw new SlipwayError('payload_too_large', `The file is larger than ${deps.maxFileBytes} bytes.`, {
        param: 'file',
      });
    }
    try {
      deps.parser.mediaTypeOf({ name: input.filename, mediaType: null });
    } catch (error) {
      if (!(error instanceof SlipwayError)) throw error;
      throw new SlipwayError('invalid_request', error.message, { param: 'file', cause: error });
    }
    const file: FileRecord = {
      id: newFileId(deps.random),
      projectId: input.caller.projectId,
      apiKeyId: input.caller.keyId,
      purpose: input.purpose,
      filename: input.filename,
      bytes: input.content.byteLength,
      lineCount: 0,
      createdAt: deps.clock.now(),
      expiresAt: null,
    };
    // The bytes first: a file row is listed as soon as it exists, and must then have its content.
    await deps.store.putFileBlob(file.id, input.content);
    await deps.store.insertFile(file, []);
    return file;
  }

  /** The bytes as uploaded; `not_found` if they are gone. */
  async function readContent(file: FileRecord): Promise<Uint8Array> {
    const content = await deps.store.readFileBlob(file.id);
    if (content === null)
      throw new SlipwayError('not_found', `No such file: ${file.id}`, { param: 'file_id' });
    return content;
  }

  async function remove(caller: Caller, file: FileRecord): Promise<{ id: string; deleted: boolean }> {
    const collections = await deps.store.listCollectionsOfFile(file.id);
    if (collections.length > 0) authorize(caller, 'manage');
    for (const collection of collections) {
      await deps.removeFromVectorStore({ caller, collection, fileId: file.id });
    }
    const deleted = await deps.store.deleteFile(file.id);
    await deps.store.deleteFileBlob(file.id);
    return { id: file.id, deleted };
  }

  return { maxFileBytes: deps.maxFileBytes, upload, readContent, remove };
}

export type DocumentFiles = ReturnType<typeof makeDocumentFiles>;
