import { request } from 'undici';

/** One HTTP answer, read in full. */
export interface Answer {
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
}

export interface SendOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Sent as `Authorization: Bearer <key>`; no header when absent or null. */
  key?: string | null;
  /** A JSON body (sent with `content-type: application/json`). */
  json?: unknown;
  /** A body sent as is, with whatever content type `headers` gives (or none). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Sends one request to the gateway at `baseUrl` and reads the whole answer (streams included). */
export async function sendRequest(baseUrl: string, options: SendOptions): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined && options.key !== null) headers.authorization = `Bearer ${options.key}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  const body = options.json === undefined ? options.raw : JSON.stringify(options.json);
  const response = await request(`${baseUrl}${options.path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers: flat, text, json: () => JSON.parse(text) as unknown };
}
