import { FormData } from 'undici';
import { sendToSlipway } from './send-to-slipway.js';

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

/**
 * The `/v1/files` and `/v1/batches` endpoints of a running server, for `slipway batches`. Sends the token as a
 * bearer key, like the admin client: these endpoints take any key, the admin key included. Every failure is a
 * SlipwayError whose message is fit to show.
 * @example const batch = await new BatchClient({ url, token, timeoutMs: 10_000 }).getBatch('batch_…');
 */
export class BatchClient {
  constructor(private readonly options: Readonly<BatchClientOptions>) {}

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
    return {
      text: await sendToSlipway(this.options, body === undefined ? { method, path } : { method, path, body }),
    };
  }
}
