import { describe, expect, it } from 'vitest';
import { SlipwayError } from './errors.js';
import { LimitExceededError } from './limit-exceeded-error.js';

describe('LimitExceededError', () => {
  it('is a rate_limited SlipwayError for request and token rates, with the time left in the window', () => {
    const error = new LimitExceededError({
      counter: 'key:k1:rpm',
      limit: 10,
      used: 10,
      windowEnd: 60_000,
      now: 15_500,
    });
    expect(error).toBeInstanceOf(SlipwayError);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(44_500);
    expect(error).toMatchObject({ counter: 'key:k1:rpm', limit: 10, used: 10, windowEnd: 60_000 });
    expect(error.message).toContain('key:k1:rpm');
    expect(
      new LimitExceededError({ counter: 'project:p:tpm', limit: 1, used: 1, windowEnd: 1, now: 0 }).code,
    ).toBe('rate_limited');
  });

  it('is budget_exceeded for spend, with amounts in USD', () => {
    const error = new LimitExceededError({
      counter: 'project:p1:spend-day',
      limit: 5_000_000,
      used: 5_000_100,
      windowEnd: 86_400_000,
      now: 0,
    });
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toContain('$5.000100 of $5.000000');
  });
});
