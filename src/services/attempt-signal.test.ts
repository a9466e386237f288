import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { AttemptSignal } from './attempt-signal.js';

describe('AttemptSignal', () => {
  it('aborts with a retryable timeout when a deadline passes', async () => {
    const attempt = new AttemptSignal(new AbortController().signal);
    attempt.deadline(5, 'too slow');
    await expect(attempt.race(new Promise(() => undefined))).rejects.toMatchObject({
      code: 'timeout',
      retryable: true,
      message: 'too slow',
    });
    expect(attempt.signal.aborted).toBe(true);
    attempt.dispose();
  });

  it('a lifted deadline does not fire', async () => {
    const attempt = new AttemptSignal(new AbortController().signal);
    attempt.deadline(5, 'first token')();
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect(attempt.signal.aborted).toBe(false);
    attempt.dispose();
  });

  it('follows the client signal, already aborted or aborting later, as client_closed', () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(new AttemptSignal(aborted.signal).signal.reason).toMatchObject({ code: 'client_closed' });

    const client = new AbortController();
    const attempt = new AttemptSignal(client.signal);
    client.abort();
    expect(attempt.signal.reason).toMatchObject({ code: 'client_closed' });
    expect(attempt.explain(new Error('socket hang up'))).toMatchObject({ code: 'client_closed' });
  });

  it('explains a failure by the abort reason, else by the error itself', () => {
    const attempt = new AttemptSignal(new AbortController().signal);
    const upstream = new SlipwayError('upstream_error', '500', { retryable: true });
    expect(attempt.explain(upstream)).toBe(upstream);
    expect(attempt.explain(new TypeError('boom'))).toMatchObject({ code: 'internal_error' });
    const timeout = new SlipwayError('timeout', 'late', { retryable: true });
    attempt.abort(timeout);
    attempt.abort(new SlipwayError('client_closed', 'second reason loses'));
    expect(attempt.explain(new Error('AbortError'))).toBe(timeout);
  });

  it('stops following the client once disposed', () => {
    const client = new AbortController();
    const attempt = new AttemptSignal(client.signal);
    attempt.dispose();
    client.abort();
    expect(attempt.signal.aborted).toBe(false);
  });
});
