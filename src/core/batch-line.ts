import type { BatchEndpoint } from './batch.js';

export type BatchLineCheck =
  | { ok: true; customId: string; body: Record<string, unknown> }
  | { ok: false; customId: string | null; code: string; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks one input line as OpenAI does when a batch starts: a JSON object with a `custom_id` not seen before in
 * the file, `method` POST, `url` equal to the batch's endpoint and a `body` object naming a `model`. A bad line
 * fails alone (it goes to the error file); the batch goes on. `seen` collects the custom ids of valid lines.
 * @example checkBatchLine('{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":"x"}}', '/v1/embeddings', new Set())
 */
export function checkBatchLine(text: string, endpoint: BatchEndpoint, seen: Set<string>): BatchLineCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, customId: null, code: 'invalid_json_line', message: 'The line is not valid JSON.' };
  }
  if (!isObject(value)) {
    return {
      ok: false,
      customId: null,
      code: 'invalid_json_line',
      message: 'The line is not a JSON object.',
    };
  }
  const customId = typeof value.custom_id === 'string' ? value.custom_id : null;
  const fail = (code: string, message: string): BatchLineCheck => ({ ok: false, customId, code, message });
  if (customId === null || customId === '') {
    return fail('missing_required_parameter', 'The line has no custom_id string.');
  }
  if (seen.has(customId)) {
    return fail('duplicate_custom_id', `The custom_id '${customId}' is used by an earlier line.`);
  }
  if (value.method !== 'POST') return fail('invalid_method', 'The method must be POST.');
  if (value.url !== endpoint) {
    return fail('invalid_url', `The url must be the batch's endpoint, ${endpoint}.`);
  }
  const body = value.body;
  if (!isObject(body)) return fail('missing_required_parameter', 'The line has no body object.');
  if (typeof body.model !== 'string' || body.model === '') {
    return fail('missing_required_parameter', 'The body has no model.');
  }
  if (body.stream === true) return fail('invalid_request', 'A batch line cannot be streamed.');
  seen.add(customId);
  return { ok: true, customId, body };
}
