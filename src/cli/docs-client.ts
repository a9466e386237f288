import { FormData } from 'undici';
import { sendToSlipway } from './send-to-slipway.js';
import type { CollectionRecord, IngestionRun } from '../core/documents/document.js';
import type { DocumentView } from '../http/document-views.js';

export interface DocsClientOptions {
  url: string;
  token: string | null;
  timeoutMs: number;
}

/** A file to upload: its name as the collection will know it (a relative path) and its bytes. */
export interface UploadFile {
  name: string;
  content: Uint8Array;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The documents endpoints of a running server's admin API (`/api/collections…`, `/api/ingestion-runs`), for
 * `slipway docs` and `slipway collections`. Every failure is a SlipwayError whose message is fit to show.
 * @example const run = await new DocsClient({ url, token, timeoutMs: 10_000 }).getRun('ing_…');
 */
export class DocsClient {
  constructor(private readonly options: Readonly<DocsClientOptions>) {}

  createCollection(body: { name: string; embedding_model?: string }): Promise<CollectionRecord> {
    return this.json('POST', 'api/collections', JSON.stringify(body));
  }

  listCollections(): Promise<{ data: CollectionRecord[] }> {
    return this.json('GET', 'api/collections');
  }

  listDocuments(
    collection: string,
    query: { limit: number; after?: string },
  ): Promise<{ data: DocumentView[] }> {
    const search = new URLSearchParams({ limit: String(query.limit) });
    if (query.after !== undefined) search.set('after', query.after);
    return this.json('GET', `${this.collectionPath(collection)}/documents?${search.toString()}`);
  }

  uploadDocuments(
    collection: string,
    upload: { files: readonly UploadFile[]; allow: readonly string[]; classification: string | null },
  ): Promise<IngestionRun> {
    const form = new FormData();
    for (const entry of upload.allow) form.append('allow', entry);
    if (upload.classification !== null) form.set('classification', upload.classification);
    for (const file of upload.files) form.append('file', new Blob([file.content]), file.name);
    return this.json('POST', `${this.collectionPath(collection)}/documents`, form);
  }

  deleteDocument(collection: string, id: string): Promise<{ id: string; deleted: boolean }> {
    return this.json('DELETE', `${this.collectionPath(collection)}/documents/${encodeURIComponent(id)}`);
  }

  setAccess(
    collection: string,
    id: string,
    body: { allow: readonly string[]; classification: string | null },
  ): Promise<{ id: string; allow: string[]; classification: string | null }> {
    return this.json(
      'PUT',
      `${this.collectionPath(collection)}/documents/${encodeURIComponent(id)}/access`,
      JSON.stringify(body),
    );
  }

  getRun(id: string): Promise<IngestionRun> {
    return this.json('GET', `api/ingestion-runs/${encodeURIComponent(id)}`);
  }

  private collectionPath(collection: string): string {
    return `api/collections/${encodeURIComponent(collection)}`;
  }

  private async json<Result>(method: Method, path: string, body?: string | FormData): Promise<Result> {
    return JSON.parse(
      await sendToSlipway(this.options, body === undefined ? { method, path } : { method, path, body }),
    ) as Result;
  }
}
