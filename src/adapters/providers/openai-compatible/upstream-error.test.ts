import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../core/errors.js';
import { parseRetryAfterMs } from './retry-after.js';
import { errorFromTransport, errorFromUpstreamResponse } from './upstream-error.js';

const NOW = Date.parse('2025-07-08T10:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfterMs({ 'retry-after': '2' }, NOW)).toBe(2000);
    expect(parseRetryAfterMs({ 'retry-after': '0.25' }, NOW)).toBe(250);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Tue, 08 Jul 2025 10:00:07 GMT' }, NOW)).toBe(7000);
    expect(parseRetryAfterMs({ 'retry-after': 'Tue, 08 Jul 2025 09:59:00 GMT' }, NOW)).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '120', 'retry-after': '1' }, NOW)).toBe(120);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs({}, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after-ms': 'x' }, NOW)).toBeUndefined();
  });
});

describe('errorFromUpstreamResponse', () => {
  const of = (status: number, body: string) =>
    errorFromUpstreamResponse({ providerId: 'p', status, headers: {}, body, now: NOW });

  it('maps 408 to a retryable timeout and a redirect to a non-retryable upstream_error', () => {
    expect(of(408, '')).toMatchObject({ code: 'timeout', retryable: true, upstreamStatus: 408 });
    expect(of(301, '')).toMatchObject({ code: 'upstream_error', retryable: false });
  });

  it('maps other 4xx to invalid_request and keeps a plain-text body as the message', () => {
    const error = of(422, 'field "messages" required');
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(error.message).toBe('Upstream p answered 422: field "messages" required');
  });

  it('truncates long upstream messages', () => {
    const error = of(500, JSON.stringify({ error: { message: 'x'.repeat(5000) } }));
    expect(error.message.length).toBeLessThan(500);
    expect(error.message.endsWith('…')).toBe(true);
  });

  it('reads {"detail": …} and {"error": "…"} bodies', () => {
    expect(of(400, '{"detail":"Not allowed"}').message).toContain('Not allowed');
    expect(of(400, '{"error":"bad things"}').message).toContain('bad things');
  });
});

describe('errorFromTransport', () => {
  const live = new AbortController().signal;

  it('maps refused, reset and socket errors to upstream_unavailable', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']) {
      const error = Object.assign(new Error('boom'), { code });
      expect(errorFromTransport({ providerId: 'p', error, signal: live })).toMatchObject({
        code: 'upstream_unavailable',
        retryable: true,
      });
    }
  });

  it('finds the code inside an AggregateError of connection attempts', () => {
    const error = new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]);
    expect(errorFromTransport({ providerId: 'p', error, signal: live }).code).toBe('upstream_unavailable');
  });

  it('maps undici header/body timeouts to timeout and anything else to upstream_error', () => {
    const timeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(errorFromTransport({ providerId: 'p', error: timeout, signal: live }).code).toBe('timeout');
    expect(errorFromTransport({ providerId: 'p', error: new Error('?'), signal: live })).toMatchObject({
      code: 'upstream_error',
      retryable: true,
    });
  });

  it('prefers the abort reason over the error when the signal aborted', () => {
    const controller = new AbortController();
    const reason = new SlipwayError('client_closed', 'Client went away');
    controller.abort(reason);
    expect(
      errorFromTransport({ providerId: 'p', error: new Error('aborted'), signal: controller.signal }),
    ).toBe(reason);
    const timedOut = AbortSignal.abort(new DOMException('late', 'TimeoutError'));
    expect(
      errorFromTransport({ providerId: 'p', error: new Error('aborted'), signal: timedOut }),
    ).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
  });
});
