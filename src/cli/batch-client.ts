import { FormData, request } from 'undici';
import { ERROR_CODES, type ErrorCode, SlipwayError } from '../core/errors.js';

/** A batch as `/v1/batches` answers (the fields the CLI shows). */
export interface BatchObject {
  id: string;
  status: string;
  endpoint: string;
  input_file_id: string;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  completed_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  errors: { data: Array<{ code: string; message: string }> } | null;
}

interface FileObject {
  id: string;
  bytes: number;
  filename: string;
}

export interface BatchClientOptions {
  url: string;
  token: string | null;
  timeoutMs: number;
}

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

/**
 * The `/v1/files` and `/v1/batches` endpoints of a running server, for `slipway batches`. Sends the token as a
 * bearer key, like the admin client: these endpoints take any key, the admin key included. Every failure is a
 * SlipwayError whose message is fit to show.
 * @example const batch = await new BatchClient({ url, token, timeoutMs: 10_000 }).getBatch('batch_…');
 */
export class BatchClient {
  private readonly base: URL;

  constructor(private readonly options: Readonly<BatchClientOptions>) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

  uploadFile(filename: string, content: Uint8Array): Promise<FileObject> {
    const form = new FormData();
    form.set('purpose', 'batch');
    form.set('file', new Blob([content]), filename);
    return this.json('POST', 'v1/files', form);
  }

  createBatch(body: { input_file_id: string; endpoint: string; metadata?: Record<string, string> }) {
    return this.json<BatchObject>(
      'POST',
      'v1/batches',
      JSON.stringify({ ...body, completion_window: '24h' }),
    );
  }

  getBatch(id: string): Promise<BatchObject> {
    return this.json('GET', `v1/batches/${encodeURIComponent(id)}`);
  }

  listBatches(limit: number): Promise<{ data: BatchObject[]; has_more: boolean }> {
    return this.json('GET', `v1/batches?limit=${limit}`);
  }

  cancelBatch(id: string): Promise<BatchObject> {
    return this.json('POST', `v1/batches/${encodeURIComponent(id)}/cancel`);
  }

  async fileContent(id: string): Promise<string> {
    return (await this.send('GET', `v1/files/${encodeURIComponent(id)}/content`)).text;
  }

  private async json<Result>(
    method: 'GET' | 'POST',
    path: string,
    body?: string | FormData,
  ): Promise<Result> {
    return JSON.parse((await this.send(method, path, body)).text) as Result;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: string | FormData,
  ): Promise<{ text: string }> {
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
    return { text };
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
