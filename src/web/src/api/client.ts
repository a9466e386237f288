/**
 * The one way the dashboard talks to the admin API: same-origin fetch with the session cookie, JSON in and out,
 * the CSRF token on unsafe methods, and errors parsed from the OpenAI error shape into `ApiError`.
 */

/** An admin API error, parsed from `{"error":{"message","type","param","code"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;

  constructor(options: { status: number; code: string; message: string; param: string | null }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.param = options.param;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Serialised as JSON. */
  body?: unknown;
  /** Appended to the path; null, undefined and '' values are left out. */
  query?: Record<string, QueryValue>;
  /** Sent as `Authorization: Bearer …` instead of relying on the session (first-admin setup). */
  bearer?: string;
  /** Do not send the user to /login on a 401 (sign-in and session probes handle it themselves). */
  allowUnauthorized?: boolean;
}

const UNSAFE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

let csrfToken: string | null = null;

/** Remembers the CSRF token of the current session (from sign-in or `GET /api/auth/session`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Builds `path?query` from the defined, non-empty query values. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the status line below.
  }
  const error =
    typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object'
      ? (body.error as { message?: unknown; code?: unknown; param?: unknown } | null)
      : null;
  return new ApiError({
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message:
      typeof error?.message === 'string'
        ? error.message
        : `The server answered ${response.status} ${response.statusText}.`,
    param: typeof error?.param === 'string' ? error.param : null,
  });
}

function redirectToLogin(): void {
  if (window.location.pathname === '/login') return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** Calls the admin API and returns its JSON body (undefined for 204). Throws `ApiError`. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  if (UNSAFE_METHODS.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'include',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (cause) {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: `Could not reach the server (${cause instanceof Error ? cause.message : String(cause)}).`,
      param: null,
    });
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && options.allowUnauthorized !== true && options.bearer === undefined) {
      redirectToLogin();
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const apiGet = <T>(path: string, query?: Record<string, QueryValue>) =>
  apiRequest<T>(path, query === undefined ? {} : { query });
export const apiPost = <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body });
export const apiPatch = <T>(path: string, body: unknown) => apiRequest<T>(path, { method: 'PATCH', body });
export const apiDelete = <T>(path: string) => apiRequest<T>(path, { method: 'DELETE' });
