/** The OpenAI Batch API's objects as Slipway keeps them: uploaded files, batches and the result of each line. */

export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

/**
 * `batch` for uploads; `batch_output` for the output and error files Slipway writes, as OpenAI names them;
 * `assistants` and `user_data` for documents kept as bytes, to be added to vector stores (see
 * src/services/manage-document-files.ts).
 */
export type FilePurpose = 'batch' | 'batch_output' | 'assistants' | 'user_data';

export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** Statuses a batch never leaves. */
export const FINISHED_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set([
  'failed',
  'completed',
  'expired',
  'cancelled',
]);

/** The only completion window OpenAI offers. */
export const COMPLETION_WINDOW_MS = { '24h': 24 * 60 * 60 * 1000 } as const;
export type CompletionWindow = keyof typeof COMPLETION_WINDOW_MS;

/** An uploaded or generated file; its content is kept line by line (see docs/decisions). */
export interface FileRecord {
  /** `file-…`. */
  id: string;
  projectId: string;
  /** The key that uploaded it; null for files Slipway wrote (batch output and errors). */
  apiKeyId: string | null;
  purpose: FilePurpose;
  filename: string;
  bytes: number;
  /** Non-blank lines. */
  lineCount: number;
  createdAt: number;
  expiresAt: number | null;
}

/** One non-blank line of a file; `lineNo` counts from 1 over every line of the upload, blank ones included. */
export interface FileLine {
  lineNo: number;
  text: string;
}

interface RequestCounts {
  total: number;
  completed: number;
  failed: number;
}

/** A problem with the batch as a whole, e.g. an input file with no request in it. */
export interface BatchError {
  code: string;
  message: string;
  line: number | null;
}

export interface BatchRecord {
  /** `batch_…`. */
  id: string;
  projectId: string;
  /** The key that created it: every line runs as this key. */
  apiKeyId: string;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: CompletionWindow;
  status: BatchStatus;
  /** Non-blank lines of the input file, each of which gets one result. */
  totalLines: number;
  outputFileId: string | null;
  errorFileId: string | null;
  metadata: Record<string, string> | null;
  errors: BatchError[];
  createdAt: number;
  expiresAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
}

/** A batch with how many of its lines have a result so far. */
export type BatchView = BatchRecord & { requestCounts: RequestCounts };

/**
 * The result of one line. `completed` and `failed` lines appear in the output and error files; `skipped` marks a
 * line that was never run because the batch was cancelled or expired first, so that every line has one result.
 */
export interface BatchLineResult {
  batchId: string;
  lineNo: number;
  /** `batch_req_…`, the output line's `id`. */
  id: string;
  customId: string | null;
  outcome: 'completed' | 'failed' | 'skipped';
  /** What the endpoint answered; null when the line was never sent (invalid, skipped). */
  response: { statusCode: number; requestId: string; body: unknown } | null;
  /** Why the line was not sent; null when it was. */
  error: { code: string; message: string } | null;
  at: number;
}

/** The output (or error) file line of a result, in OpenAI's shape. */
export function batchOutputLine(result: BatchLineResult): string {
  return JSON.stringify({
    id: result.id,
    custom_id: result.customId,
    response:
      result.response === null
        ? null
        : {
            status_code: result.response.statusCode,
            request_id: result.response.requestId,
            body: result.response.body,
          },
    error: result.error,
  });
}
