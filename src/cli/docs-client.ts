import { FormData, request } from 'undici';
import type { CollectionRecord, IngestionRun } from '../core/documents/document.js';
import { ERROR_CODES, type ErrorCode, SlipwayError } from '../core/errors.js';
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

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The documents endpoints of a running server's admin API (`/api/collections…`, `/api/ingestion-runs`), for
 * `slipway docs` and `slipway collections`. Every failure is a SlipwayError whose message is fit to show.
 * @example const run = await new DocsClient({ url, token, timeoutMs: 10_000 }).getRun('ing_…');
 */
export class DocsClient {
  private readonly base: URL;

  constructor(private readonly options: Readonly<DocsClientOptions>) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

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
    const headers: Record<string, string> = {};
    if (this.options.token !== null) headers.authorization = `Bearer ${this.options.token}`;
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await request(new URL(path, this.base), {
        method,
        headers,
        body: body ?? null,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SlipwayError(
        'upstream_unavailable',
        `cannot reach Slipway at ${this.options.url}: ${reason}`,
        {
          cause: error,
        },
      );
    }
    if (status >= 400) throw errorOf(status, text);
    return JSON.parse(text) as Result;
  }
}

function errorOf(status: number, text: string): SlipwayError {
  let message = `Slipway answered HTTP ${status}.`;
  let code: ErrorCode = status >= 500 ? 'upstream_error' : 'invalid_request';
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } };
    if (typeof body.error?.message === 'string') message = body.error.message;
    if (isErrorCode(body.error?.code)) code = body.error.code;
  } catch {
    // Not an OpenAI error body: the status says enough.
  }
  return new SlipwayError(code, message, { upstreamStatus: status });
}
