import { describe, expect, it } from 'vitest';
import { breakerOutcomeOf, classifyAttemptError } from './classify-attempt-error.js';
import { SlipwayError } from './errors.js';

describe('classifyAttemptError', () => {
  it('classifies each kind of failure', () => {
    expect(classifyAttemptError(new SlipwayError('client_closed', 'gone'))).toBe('client_closed');
    expect(classifyAttemptError(new SlipwayError('context_length_exceeded', 'long'))).toBe('context_length');
    expect(classifyAttemptError(new SlipwayError('rate_limited', '429', { retryable: true }))).toBe(
      'retryable',
    );
    expect(classifyAttemptError(new SlipwayError('timeout', 'slow', { retryable: true }))).toBe('retryable');
    expect(classifyAttemptError(new SlipwayError('invalid_request', '400'))).toBe('fatal');
    expect(classifyAttemptError(new SlipwayError('unauthorized', '401'))).toBe('fatal');
  });

  it('counts only retryable failures against the breaker', () => {
    expect(breakerOutcomeOf('retryable')).toBe('failure');
    expect(breakerOutcomeOf('fatal')).toBe('success');
    expect(breakerOutcomeOf('context_length')).toBe('success');
    expect(breakerOutcomeOf('client_closed')).toBe('abandoned');
  });
});
