import type { IncomingHttpHeaders } from 'node:http';

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const DELAY_SECONDS = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * How long an upstream asked to wait, in milliseconds: `retry-after-ms` (OpenAI, Azure) wins over `retry-after`,
 * which is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 * @example parseRetryAfterMs({ 'retry-after': '2' }, Date.now()) // 2000
 */
export function parseRetryAfterMs(headers: IncomingHttpHeaders, now: number): number | undefined {
  const milliseconds = firstValue(headers['retry-after-ms']);
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (milliseconds.trim() !== '' && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const retryAfter = firstValue(headers['retry-after']);
  if (retryAfter === undefined) return undefined;
  if (DELAY_SECONDS.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
