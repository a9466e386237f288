import { type FormData, request } from 'undici';
import { ERROR_CODES, type ErrorCode, SlipwayError } from '../core/errors.js';

export interface SlipwayEndpoint {
  url: string;
  token: string | null;
  timeoutMs: number;
}

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

/**
 * Sends one request to a running server with the CLI's bearer token and answers the body's text. Every failure
 * is a SlipwayError whose message is fit to show: the server's own OpenAI-shaped error, or why it was unreachable.
 * @example const text = await sendToSlipway(endpoint, { method: 'GET', path: 'v1/batches/batch_1' });
 */
export async function sendToSlipway(
  endpoint: Readonly<SlipwayEndpoint>,
  call: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body?: string | FormData },
): Promise<string> {
  const { method, path, body } = call;
  const headers: Record<string, string> = {};
  if (endpoint.token !== null) headers.authorization = `Bearer ${endpoint.token}`;
  if (typeof body === 'string') headers['content-type'] = 'application/json';
  const base = new URL(endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`);
  let status: number;
  let text: string;
  try {
    const response = await request(new URL(path, base), {
      method,
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlipwayError('upstream_unavailable', `cannot reach Slipway at ${endpoint.url}: ${reason}`, {
      cause: error,
    });
  }
  if (status >= 400) throw errorOf(status, text);
  return text;
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
