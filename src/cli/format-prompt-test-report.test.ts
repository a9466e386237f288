import { describe, expect, it } from 'vitest';
import { promptTestRunFixture } from '../../test/fixtures/prompt-test-run.js';
import { formatPromptTestReport } from './format-prompt-test-report.js';

describe('formatPromptTestReport', () => {
  it('shows each case, the failing assertions and errors under their case, and the totals', () => {
    expect(formatPromptTestReport(promptTestRunFixture())).toBe(
      [
        'support/triage v3 on offline (run ptr_000001)',
        '  ✓ refund request  (250 ms, $0.007500)',
        '  ✗ shipping <&> "quotes"  (1.50 s, $0.002000)',
        "      ✗ contains: expected to contain 'tracking', got: 'Shipped.'",
        '      ✗ max-latency-ms: expected at most 1000 ms,\n        took 1500 ms',
        '  ✗ rate limited  (10 ms, $0)',
        '      error: rate_limited: Too many requests',
        '',
        'FAIL: 1 passed, 2 failed of 3 cases in 1.25 s; latency mean 587 ms, max 1.50 s; cost $0.009500',
        '',
      ].join('\n'),
    );
  });

  it('says when a version has no test cases', () => {
    const run = {
      ...promptTestRunFixture(),
      cases: [],
      passed: true,
      finishedAt: Date.UTC(2026, 11, 4, 9, 30, 0),
    };
    expect(formatPromptTestReport(run)).toBe(
      [
        'support/triage v3 on offline (run ptr_000001)',
        '  this version has no test cases',
        '',
        'PASS: 0 passed, 0 failed of 0 cases in 0 ms; cost $0',
        '',
      ].join('\n'),
    );
  });
});
