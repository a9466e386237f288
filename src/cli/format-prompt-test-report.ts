import type { PromptTestCaseResult, PromptTestRun } from '../core/prompt.js';
import { formatLatency, formatUsd } from './format-values.js';

/** Continuation lines of a multi-line message stay under their first line. */
function indented(text: string): string {
  return text.replaceAll('\n', '\n        ');
}

function describeCase(testCase: PromptTestCaseResult): string[] {
  const mark = testCase.passed ? '✓' : '✗';
  const measured = `(${formatLatency(testCase.latencyMs)}, ${formatUsd(testCase.costUsd)})`;
  const lines = [`  ${mark} ${testCase.name}  ${measured}`];
  if (testCase.error !== null) lines.push(`      error: ${indented(testCase.error)}`);
  for (const result of testCase.assertions) {
    if (!result.passed) lines.push(`      ✗ ${result.assertion.type}: ${indented(result.message)}`);
  }
  return lines;
}

/**
 * A test run as a person reads it in a terminal: a header naming the prompt version, model and run, one line per
 * case (✓ or ✗, latency and cost), each failing assertion's message or the call's error under its case, then the
 * totals.
 * @example process.stdout.write(formatPromptTestReport(run));
 * // support/triage v3 on offline (run ptr_01J…)
 * //   ✓ refund request  (250 ms, $0.007500)
 * //   ✗ shipping  (240 ms, $0.006000)
 * //       ✗ contains: expected to contain 'tracking', got: 'Shipped.'
 * //
 * // FAIL: 1 passed, 1 failed of 2 cases in 490 ms; latency mean 245 ms, max 250 ms; cost $0.013500
 */
export function formatPromptTestReport(run: PromptTestRun): string {
  const lines = [`${run.name} v${run.version} on ${run.model} (run ${run.id})`];
  if (run.cases.length === 0) {
    lines.push('  this version has no test cases');
  }
  for (const testCase of run.cases) lines.push(...describeCase(testCase));
  const passed = run.cases.filter((testCase) => testCase.passed).length;
  const failed = run.cases.length - passed;
  const latencies = run.cases.map((testCase) => testCase.latencyMs);
  const cost = run.cases.reduce((sum, testCase) => sum + testCase.costUsd, 0);
  const totals = [
    `${run.passed ? 'PASS' : 'FAIL'}: ${passed} passed, ${failed} failed of ${run.cases.length} case${run.cases.length === 1 ? '' : 's'} in ${formatLatency(run.finishedAt - run.startedAt)}`,
  ];
  if (latencies.length > 0) {
    const mean = Math.round(latencies.reduce((sum, latency) => sum + latency, 0) / latencies.length);
    totals.push(`latency mean ${formatLatency(mean)}, max ${formatLatency(Math.max(...latencies))}`);
  }
  totals.push(`cost ${formatUsd(cost)}`);
  lines.push('', totals.join('; '));
  return `${lines.join('\n')}\n`;
}
