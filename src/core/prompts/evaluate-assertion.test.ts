import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PromptAssertion } from '../prompt.js';
import { evaluateAssertion, REGEX_INPUT_LIMIT } from './evaluate-assertion.js';
import type { AssertionSubject } from './evaluate-assertion.js';

function subject(output: string, more: Partial<AssertionSubject> = {}): AssertionSubject {
  return { output, latencyMs: 100, costUsd: 0.001, ...more };
}

function evaluate(assertion: PromptAssertion, output: string, more: Partial<AssertionSubject> = {}) {
  return evaluateAssertion(assertion, subject(output, more));
}

describe('evaluateAssertion', () => {
  it('equals: exact text only', () => {
    expect(evaluate({ type: 'equals', value: 'yes' }, 'yes').passed).toBe(true);
    const result = evaluate({ type: 'equals', value: 'yes' }, 'yes.');
    expect(result).toMatchObject({ passed: false, message: "expected to equal 'yes', got: 'yes.'" });
  });

  it('contains: case-sensitive by default, insensitive on request, long answers truncated in the message', () => {
    expect(evaluate({ type: 'contains', value: 'refund' }, 'A refund is due').passed).toBe(true);
    expect(evaluate({ type: 'contains', value: 'refund' }, 'A Refund is due').passed).toBe(false);
    expect(evaluate({ type: 'contains', value: 'refund', caseSensitive: false }, 'A REFUND').passed).toBe(
      true,
    );
    const answer = `We cannot help you with that request. ${'Please contact support. '.repeat(10)}`;
    const result = evaluate({ type: 'contains', value: 'refund' }, answer);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^expected to contain 'refund', got: 'We cannot help you with that request\. .*…' \(truncated\)$/,
    );
  });

  it('not-contains: says where the text was found', () => {
    expect(evaluate({ type: 'not-contains', value: 'sorry' }, 'Here you go').passed).toBe(true);
    const result = evaluate({ type: 'not-contains', value: 'Sorry', caseSensitive: false }, 'Well, sorry');
    expect(result).toMatchObject({
      passed: false,
      message: "expected not to contain 'Sorry', found at character 6: 'Well, sorry'",
    });
  });

  it('regex: matches with flags; an invalid pattern or flag is a failure that says why', () => {
    expect(evaluate({ type: 'regex', pattern: '^order #\\d+$', flags: 'i' }, 'ORDER #42').passed).toBe(true);
    expect(evaluate({ type: 'regex', pattern: '^\\d+$' }, 'forty-two')).toMatchObject({
      passed: false,
      message: "expected to match /^\\d+$/, got: 'forty-two'",
    });
    const badPattern = evaluate({ type: 'regex', pattern: '(unclosed' }, 'anything');
    expect(badPattern.passed).toBe(false);
    expect(badPattern.message).toMatch(/^invalid regular expression \/\(unclosed\/: /);
    expect(evaluate({ type: 'regex', pattern: 'a', flags: 'zz' }, 'a').message).toMatch(
      /^invalid regular expression \/a\/zz: /,
    );
  });

  it('regex: tests only the start of a very long answer, and says so', () => {
    const long = `${'x'.repeat(REGEX_INPUT_LIMIT)}needle`;
    const result = evaluate({ type: 'regex', pattern: 'needle' }, long);
    expect(result.passed).toBe(false);
    expect(result.message).toContain(`(first ${REGEX_INPUT_LIMIT} characters tested)`);
    expect(evaluate({ type: 'regex', pattern: '^x+' }, long).message).toContain('characters tested');
  });

  it('is-json: the whole answer must parse', () => {
    expect(evaluate({ type: 'is-json' }, ' {"a": 1} ').passed).toBe(true);
    const fenced = evaluate({ type: 'is-json' }, '```json\n{"a": 1}\n```');
    expect(fenced.passed).toBe(false);
    expect(fenced.message).toMatch(
      /^expected valid JSON \(Unexpected token [^\n]+\), got: '```json\\n\{"a": 1\}\\n```'$/,
    );
  });

  it('json-schema: validates the parsed answer and names each error', () => {
    const schema = {
      type: 'object',
      required: ['category', 'email'],
      properties: { category: { enum: ['billing', 'bug'] }, email: { type: 'string', format: 'email' } },
    };
    expect(evaluate({ type: 'json-schema', schema }, '{"category":"bug","email":"a@b.io"}').passed).toBe(
      true,
    );
    const wrong = evaluate({ type: 'json-schema', schema }, '{"category":"other","email":"nope"}');
    expect(wrong.passed).toBe(false);
    expect(wrong.message).toContain('/category must be equal to one of the allowed values');
    expect(wrong.message).toContain('/email must match format "email"');
    const missing = evaluate({ type: 'json-schema', schema }, '{}');
    expect(missing.message).toContain("(root) must have required property 'category'");
    expect(evaluate({ type: 'json-schema', schema }, 'not json').message).toMatch(/not valid JSON/);
  });

  it('json-schema: an invalid schema fails the assertion instead of throwing', () => {
    const result = evaluate({ type: 'json-schema', schema: { type: 'no-such-type' } }, '{}');
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^the assertion's JSON Schema is invalid: /);
    const unresolved = evaluate(
      { type: 'json-schema', schema: { $ref: 'https://example.com/s.json' } },
      '{}',
    );
    expect(unresolved.message).toMatch(/^the assertion's JSON Schema is invalid: /);
  });

  it('json-schema: two schemas with the same $id do not clash', () => {
    const first = { $id: 'https://x/s', type: 'string' };
    const second = { $id: 'https://x/s', type: 'number' };
    expect(evaluate({ type: 'json-schema', schema: first }, '"a"').passed).toBe(true);
    expect(evaluate({ type: 'json-schema', schema: second }, '1').passed).toBe(true);
  });

  it('min-length and max-length count characters, not UTF-16 units', () => {
    expect(evaluate({ type: 'min-length', value: 3 }, 'héé').passed).toBe(true);
    expect(evaluate({ type: 'max-length', value: 2 }, '👍👍').passed).toBe(true);
    expect(evaluate({ type: 'min-length', value: 5 }, 'abc')).toMatchObject({
      passed: false,
      message: "expected at least 5 characters, got 3: 'abc'",
    });
    expect(evaluate({ type: 'max-length', value: 2 }, 'abc').message).toBe(
      "expected at most 2 characters, got 3: 'abc'",
    );
  });

  it('max-latency-ms and max-cost-usd compare the measurements', () => {
    expect(evaluate({ type: 'max-latency-ms', value: 100 }, '', { latencyMs: 100 }).passed).toBe(true);
    expect(evaluate({ type: 'max-latency-ms', value: 100 }, '', { latencyMs: 812 })).toMatchObject({
      passed: false,
      message: 'expected at most 100 ms, took 812 ms',
    });
    expect(evaluate({ type: 'max-cost-usd', value: 0.01 }, '', { costUsd: 0.00042 }).message).toBe(
      'cost $0.00042 (at most $0.01)',
    );
    expect(evaluate({ type: 'max-cost-usd', value: 0.0001 }, '', { costUsd: 0.00042 })).toMatchObject({
      passed: false,
      message: 'expected to cost at most $0.0001, cost $0.00042',
    });
  });

  it('similar: compares the measured similarity with the threshold; a missing measurement fails', () => {
    const assertion: PromptAssertion = { type: 'similar', to: 'A refund is on its way', threshold: 0.8 };
    expect(evaluate(assertion, 'x', { similarity: 0.93 })).toMatchObject({
      passed: true,
      message: "similarity 0.930 to 'A refund is on its way' (at least 0.8)",
    });
    expect(evaluate(assertion, 'x', { similarity: 0.5 }).message).toBe(
      "expected similarity at least 0.8 to 'A refund is on its way', got 0.500",
    );
    expect(evaluate(assertion, 'x', { similarity: Number.NaN }).passed).toBe(false);
    expect(evaluate(assertion, 'x').message).toMatch(/was not measured/);
    expect(evaluate(assertion, 'x', { similarity: { error: 'set prompts.similarityModel' } })).toMatchObject({
      passed: false,
      message: "could not measure similarity to 'A refund is on its way': set prompts.similarityModel",
    });
  });

  it('an unknown assertion type fails with its name', () => {
    const result = evaluate({ type: 'sounds-nice' } as unknown as PromptAssertion, 'x');
    expect(result).toMatchObject({ passed: false, message: "unknown assertion type 'sounds-nice'" });
  });
});

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const number = fc.oneof(fc.double(), fc.integer({ min: -5, max: 1_000 }));
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const assertionArbitrary: fc.Arbitrary<PromptAssertion> = fc.oneof(
  fc.record({ type: fc.constant('equals' as const), value: text }),
  fc.record({
    type: fc.constant('contains' as const),
    value: text,
    caseSensitive: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('not-contains' as const),
    value: text,
    caseSensitive: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('regex' as const),
    pattern: fc.oneof(text, fc.stringMatching(/^[a-z()[\]*+?.\\|^$]{0,12}$/)),
    flags: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
  }),
  fc.record({ type: fc.constant('is-json' as const) }),
  fc.record({
    type: fc.constant('json-schema' as const),
    schema: fc.oneof(
      fc.dictionary(
        fc.constantFrom('type', 'required', 'properties', 'enum', 'minimum', 'format', '$ref', 'items'),
        jsonValue,
      ),
      fc.constant({ type: 'object', required: ['a'] }),
    ),
  }),
  fc.record({ type: fc.constant('min-length' as const), value: number }),
  fc.record({ type: fc.constant('max-length' as const), value: number }),
  fc.record({ type: fc.constant('max-latency-ms' as const), value: number }),
  fc.record({ type: fc.constant('max-cost-usd' as const), value: number }),
  fc.record({ type: fc.constant('similar' as const), to: text, threshold: number }),
);

describe('evaluateAssertion (properties)', () => {
  it('never throws, for any answer and any assertion, and always explains itself', () => {
    fc.assert(
      fc.property(
        assertionArbitrary,
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          jsonValue.map((value) => JSON.stringify(value)),
        ),
        fc.option(fc.oneof(number, fc.record({ error: text })), { nil: undefined }),
        (assertion, output, similarity) => {
          const result = evaluateAssertion(assertion, {
            output,
            latencyMs: 10,
            costUsd: 0,
            ...(similarity === undefined ? {} : { similarity }),
          });
          expect(typeof result.passed).toBe('boolean');
          expect(result.message.length).toBeGreaterThan(0);
          expect(result.assertion).toBe(assertion);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('contains and not-contains always disagree', () => {
    fc.assert(
      fc.property(text, text, fc.boolean(), (output, value, caseSensitive) => {
        const contains = evaluate({ type: 'contains', value, caseSensitive }, output).passed;
        const notContains = evaluate({ type: 'not-contains', value, caseSensitive }, output).passed;
        expect(contains).toBe(!notContains);
      }),
    );
  });
});
