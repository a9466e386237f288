/** The record of one client request and of each upstream attempt made to serve it. */
import type { TraceContext } from './trace-context.js';

export type InteractionStatus = 'success' | 'error' | 'incomplete';
export type Endpoint = 'chat.completions' | 'embeddings';

export interface AttemptRecord {
  /** 0-based position among the request's attempts. */
  index: number;
  providerId: string;
  model: string;
  startedAt: number;
  latencyMs: number;
  /** Time to first token, for streamed attempts that produced one. */
  ttftMs: number | null;
  status: 'success' | 'error';
  errorCode: string | null;
  errorMessage: string | null;
  upstreamStatus: number | null;
}

export interface InteractionRecord {
  id: string;
  endpoint: Endpoint;
  projectId: string;
  apiKeyId: string;
  endUser: string | null;
  /** The public model name the client asked for. */
  modelRequested: string;
  /** `providerId/model` of the target that served; null when none did. */
  target: string | null;
  variant: string | null;
  promptName: string | null;
  promptVersion: number | null;
  retrievedDocuments: unknown[];
  batchId: string | null;
  stream: boolean;
  status: InteractionStatus;
  errorCode: string | null;
  errorMessage: string | null;
  /** The request body as sent by the client (redacted before storage). */
  request: unknown;
  /** The response body, or for streams the assembled message (redacted before storage). */
  response: unknown;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  startedAt: number;
  /** The interaction's span in its W3C trace; null only for records logged before traces were kept. */
  trace: TraceContext | null;
  attempts: AttemptRecord[];
}

/**
 * Facts about an interaction known before it starts: the prompt version it rendered, the batch it is a line of,
 * `variant: 'queued'` when a worker ran it for a `dispatch: queued` route.
 */
export type InteractionTags = Partial<
  Pick<InteractionRecord, 'promptName' | 'promptVersion' | 'batchId' | 'variant' | 'retrievedDocuments'>
>;
