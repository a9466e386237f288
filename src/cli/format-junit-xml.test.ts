import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import type { PromptTestRun } from '../core/prompt.js';
import { promptTestRunFixture } from '../../test/fixtures/prompt-test-run.js';
import { formatJunitXml } from './format-junit-xml.js';

/** The part of the DOM the checks read (the project compiles without the DOM lib). */
interface XmlElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}

/** Parses the XML back into a DOM (xmlbuilder2's parser) to check structure rather than text. */
function parse(xml: string): XmlElement {
  return create(xml).root().node as unknown as XmlElement;
}

function children(element: XmlElement, name: string): XmlElement[] {
  return Array.from(element.getElementsByTagName(name));
}

describe('formatJunitXml', () => {
  it('writes one suite for the version and one testcase per case, with failures, errors and times in seconds', () => {
    const xml = formatJunitXml(promptTestRunFixture());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parse(xml);
    expect(root.tagName).toBe('testsuites');
    expect(root.getAttribute('tests')).toBe('3');

    const [suite, ...otherSuites] = children(root, 'testsuite');
    expect(otherSuites).toEqual([]);
    expect(suite?.getAttribute('name')).toBe('support/triage v3');
    expect(suite?.getAttribute('tests')).toBe('3');
    expect(suite?.getAttribute('failures')).toBe('1');
    expect(suite?.getAttribute('errors')).toBe('1');
    expect(suite?.getAttribute('time')).toBe('1.250');
    expect(suite?.getAttribute('timestamp')).toBe('2026-12-04T09:30:00');
    const properties = children(root, 'property').map((property) => [
      property.getAttribute('name'),
      property.getAttribute('value'),
    ]);
    expect(properties).toEqual([
      ['prompt', 'support/triage'],
      ['version', '3'],
      ['model', 'offline'],
      ['run', 'ptr_000001'],
    ]);

    const cases = children(root, 'testcase');
    expect(cases.map((testCase) => testCase.getAttribute('name'))).toEqual([
      'refund request',
      'shipping <&> "quotes"',
      'rate limited',
    ]);
    expect(cases.map((testCase) => testCase.getAttribute('time'))).toEqual(['0.250', '1.500', '0.010']);
    expect(cases[0]?.getAttribute('classname')).toBe('support/triage.v3');
    expect(children(cases[0] as XmlElement, 'failure')).toEqual([]);

    const failure = children(cases[1] as XmlElement, 'failure')[0];
    expect(failure?.getAttribute('message')).toBe(
      "contains: expected to contain 'tracking', got: 'Shipped.'",
    );
    expect(failure?.textContent).toBe(
      [
        "✗ contains: expected to contain 'tracking', got: 'Shipped.'",
        '✓ max-length: 9 characters (at most 100)',
        '✗ max-latency-ms: expected at most 1000 ms,\ntook 1500 ms',
      ].join('\n'),
    );
    expect(children(cases[1] as XmlElement, 'system-out')[0]?.textContent).toBe('Shipped.\uFFFD <b>');

    const error = children(cases[2] as XmlElement, 'error')[0];
    expect(error?.getAttribute('message')).toBe('rate_limited: Too many requests');
    expect(children(cases[2] as XmlElement, 'system-out')).toEqual([]);
  });

  it('writes XML that parses back, with every case, for any names, answers and messages', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const caseArbitrary = fc.record({
      name: text,
      passed: fc.boolean(),
      output: fc.option(text, { nil: null }),
      error: fc.option(text, { nil: null }),
      latencyMs: fc.nat(100_000),
      costUsd: fc.double({ min: 0, max: 1, noNaN: true }),
      interactionId: fc.constant(null),
      assertions: fc.array(
        fc.record({
          assertion: fc.constant({ type: 'is-json' as const }),
          passed: fc.boolean(),
          message: text,
        }),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(text, fc.array(caseArbitrary, { maxLength: 5 }), (name, cases) => {
        const run: PromptTestRun = { ...promptTestRunFixture(), name, cases };
        const root = parse(formatJunitXml(run));
        expect(children(root, 'testcase')).toHaveLength(cases.length);
        const failed = cases.filter((testCase) => !testCase.passed || testCase.error !== null);
        const reported = children(root, 'failure').length + children(root, 'error').length;
        expect(reported).toBe(failed.length);
      }),
    );
  });
});
