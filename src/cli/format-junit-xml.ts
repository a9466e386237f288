import { create } from 'xmlbuilder2';
import type { PromptTestCaseResult, PromptTestRun } from '../core/prompt.js';

/** JUnit times are seconds with a fraction. */
function seconds(ms: number): string {
  return (ms / 1_000).toFixed(3);
}

/** Attributes are one line: CI systems show `message` as a title, and XML parsers fold newlines to spaces. */
function oneLine(text: string): string {
  return text.replaceAll(/\s+/g, ' ').trim();
}

function failureDetails(testCase: PromptTestCaseResult): string {
  const lines = testCase.assertions.map(
    (result) => `${result.passed ? '✓' : '✗'} ${result.assertion.type}: ${result.message}`,
  );
  return lines.join('\n');
}

/**
 * A test run as JUnit XML, the report format CI systems read: one `<testsuite>` for the prompt version (named
 * `name vN`, with the model and run id as properties), one `<testcase>` per case (classname `name.vN`), a
 * `<failure>` for a case whose assertions failed (the first failing message as its `message`, every assertion in
 * its body), an `<error>` for a case whose call failed, and the answer in `<system-out>`. Times in seconds.
 * @example await writeFile('prompt-tests.xml', formatJunitXml(run));
 */
export function formatJunitXml(run: PromptTestRun): string {
  const failures = run.cases.filter((testCase) => !testCase.passed && testCase.error === null).length;
  const errors = run.cases.filter((testCase) => testCase.error !== null).length;
  const suiteName = `${run.name} v${run.version}`;
  const totals = {
    tests: String(run.cases.length),
    failures: String(failures),
    errors: String(errors),
    time: seconds(run.finishedAt - run.startedAt),
  };
  // Answers are a model's output and may hold characters XML 1.0 cannot carry (NUL, most C0 controls).
  const document = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const suites = document.ele('testsuites', { name: 'slipway prompt tests', ...totals });
  const suite = suites.ele('testsuite', {
    name: suiteName,
    ...totals,
    skipped: '0',
    timestamp: new Date(run.startedAt).toISOString().slice(0, 19),
    id: run.id,
  });
  const properties = suite.ele('properties');
  properties.ele('property', { name: 'prompt', value: run.name });
  properties.ele('property', { name: 'version', value: String(run.version) });
  properties.ele('property', { name: 'model', value: run.model });
  properties.ele('property', { name: 'run', value: run.id });
  for (const testCase of run.cases) {
    const element = suite.ele('testcase', {
      name: testCase.name,
      classname: `${run.name}.v${run.version}`,
      time: seconds(testCase.latencyMs),
    });
    if (testCase.error !== null) {
      element.ele('error', { message: oneLine(testCase.error), type: 'call' }).txt(testCase.error);
    } else if (!testCase.passed) {
      const first = testCase.assertions.find((result) => !result.passed);
      const message = first === undefined ? 'failed' : `${first.assertion.type}: ${first.message}`;
      element.ele('failure', { message: oneLine(message), type: 'assertion' }).txt(failureDetails(testCase));
    }
    if (testCase.output !== null) element.ele('system-out').txt(testCase.output);
  }
  return document.end({ prettyPrint: true });
}
