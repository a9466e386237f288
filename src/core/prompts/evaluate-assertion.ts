import type { PromptAssertion, PromptAssertionResult } from '../prompt.js';
import { checkJsonSchema } from './check-json-schema.js';
import { quoteForReport } from './quote-for-report.js';

/**
 * Characters of an answer a `regex` assertion tests. JavaScript cannot interrupt a running regular expression, and
 * a pattern with overlapping quantifiers (`a*a*b`) backtracks for a time that grows polynomially with the input:
 * patterns are written by the prompt's authors, answers by a model, so capping the answer bounds the time a sloppy
 * pattern can take on a long or adversarial answer. Answers longer than this are tested on their start only, and
 * the result says so. The cap cannot tame exponential patterns (`(a+)+$`): the process running the tests enables
 * V8's linear fallback engine for those (docs/decisions/2026-12-04-prompt-tests-and-promotion-gate.md).
 */
export const REGEX_INPUT_LIMIT = 8_192;

/** What an assertion is checked against: the answer and the measurements of the call that produced it. */
export interface AssertionSubject {
  output: string;
  latencyMs: number;
  costUsd: number;
  /**
   * For a `similar` assertion: the cosine similarity of the answer's and the reference's embeddings, measured by
   * the caller (core does no I/O), or why it could not be measured. Absent for other assertion types.
   */
  similarity?: number | { error: string };
}

/**
 * Checks one assertion against an answer. Never throws: an invalid regular expression or JSON Schema, an unknown
 * assertion type or a missing measurement is a failed assertion whose message says what is wrong.
 * @example evaluateAssertion({ type: 'contains', value: 'refund' }, { output: 'We cannot help', latencyMs: 5, costUsd: 0 })
 * // { passed: false, message: "expected to contain 'refund', got: 'We cannot help'", assertion: … }
 */
export function evaluateAssertion(
  assertion: PromptAssertion,
  subject: AssertionSubject,
): PromptAssertionResult {
  try {
    const { passed, message } = check(assertion, subject);
    return { assertion, passed, message };
  } catch (error) {
    // Assertions come from files and datasets; whatever slipped past their validation is this case's failure.
    const reason = error instanceof Error ? error.message : String(error);
    return { assertion, passed: false, message: `could not evaluate the assertion: ${reason}` };
  }
}

interface Verdict {
  passed: boolean;
  message: string;
}

function check(assertion: PromptAssertion, subject: AssertionSubject): Verdict {
  const { output } = subject;
  switch (assertion.type) {
    case 'equals':
      return output === assertion.value
        ? pass(`equals ${quoteForReport(assertion.value)}`)
        : fail(`expected to equal ${quoteForReport(assertion.value)}, got: ${quoteForReport(output)}`);
    case 'contains': {
      const found = indexOf(output, assertion.value, assertion.caseSensitive);
      return found >= 0
        ? pass(`contains ${quoteForReport(assertion.value)}`)
        : fail(`expected to contain ${quoteForReport(assertion.value)}, got: ${quoteForReport(output)}`);
    }
    case 'not-contains': {
      const found = indexOf(output, assertion.value, assertion.caseSensitive);
      return found < 0
        ? pass(`does not contain ${quoteForReport(assertion.value)}`)
        : fail(
            `expected not to contain ${quoteForReport(assertion.value)}, found at character ${found}: ` +
              quoteForReport(output.slice(Math.max(0, found - 20))),
          );
    }
    case 'regex':
      return checkRegex(assertion.pattern, assertion.flags, output);
    case 'is-json': {
      const parsed = parseJson(output);
      return parsed.ok
        ? pass('is valid JSON')
        : fail(`expected valid JSON (${parsed.error}), got: ${quoteForReport(output)}`);
    }
    case 'json-schema':
      return checkSchema(assertion.schema, output);
    case 'min-length': {
      const length = characterCount(output);
      return length >= assertion.value
        ? pass(`${length} characters (at least ${assertion.value})`)
        : fail(`expected at least ${assertion.value} characters, got ${length}: ${quoteForReport(output)}`);
    }
    case 'max-length': {
      const length = characterCount(output);
      return length <= assertion.value
        ? pass(`${length} characters (at most ${assertion.value})`)
        : fail(`expected at most ${assertion.value} characters, got ${length}: ${quoteForReport(output)}`);
    }
    case 'max-latency-ms':
      return subject.latencyMs <= assertion.value
        ? pass(`took ${subject.latencyMs} ms (at most ${assertion.value} ms)`)
        : fail(`expected at most ${assertion.value} ms, took ${subject.latencyMs} ms`);
    case 'max-cost-usd':
      return subject.costUsd <= assertion.value
        ? pass(`cost ${formatUsd(subject.costUsd)} (at most ${formatUsd(assertion.value)})`)
        : fail(`expected to cost at most ${formatUsd(assertion.value)}, cost ${formatUsd(subject.costUsd)}`);
    case 'similar':
      return checkSimilarity(assertion, subject.similarity);
    default:
      return fail(`unknown assertion type ${quoteForReport(String((assertion as { type: unknown }).type))}`);
  }
}

function pass(message: string): Verdict {
  return { passed: true, message };
}

function fail(message: string): Verdict {
  return { passed: false, message };
}

/** Case-sensitive unless told otherwise, as a reader of `contains: Refund` expects. */
function indexOf(text: string, value: string, caseSensitive: boolean | undefined): number {
  if (caseSensitive === false) return text.toLowerCase().indexOf(value.toLowerCase());
  return text.indexOf(value);
}

/** Unicode code points, so that an emoji or an accented letter counts as one character. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function checkRegex(pattern: string, flags: string | undefined, output: string): Verdict {
  const shown = `/${pattern}/${flags ?? ''}`;
  let expression: RegExp;
  try {
    expression = new RegExp(pattern, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`invalid regular expression ${shown}: ${reason}`);
  }
  const tested = output.length > REGEX_INPUT_LIMIT ? output.slice(0, REGEX_INPUT_LIMIT) : output;
  const note = tested.length < output.length ? ` (first ${REGEX_INPUT_LIMIT} characters tested)` : '';
  return expression.test(tested)
    ? pass(`matches ${shown}${note}`)
    : fail(`expected to match ${shown}${note}, got: ${quoteForReport(output)}`);
}

type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

/** Strict: the whole answer must be JSON (surrounding whitespace allowed), not JSON inside a Markdown fence. */
function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // V8's message quotes the input, newlines and all; the report quotes the answer itself, so keep one line.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: reason.replaceAll(/\s+/g, ' ') };
  }
}

function checkSchema(schema: Record<string, unknown>, output: string): Verdict {
  const parsed = parseJson(output);
  if (!parsed.ok) {
    return fail(
      `expected JSON matching the schema, but it is not valid JSON (${parsed.error}): ${quoteForReport(output)}`,
    );
  }
  const result = checkJsonSchema(schema, parsed.value);
  switch (result.kind) {
    case 'valid':
      return pass('matches the JSON Schema');
    case 'invalid':
      return fail(
        `does not match the JSON Schema: ${result.errors.join('; ')}; got: ${quoteForReport(output)}`,
      );
    case 'bad-schema':
      return fail(`the assertion's JSON Schema is invalid: ${result.message}`);
  }
}

function checkSimilarity(
  assertion: Extract<PromptAssertion, { type: 'similar' }>,
  similarity: AssertionSubject['similarity'],
): Verdict {
  const reference = quoteForReport(assertion.to);
  if (similarity === undefined) return fail(`similarity to ${reference} was not measured`);
  if (typeof similarity !== 'number')
    return fail(`could not measure similarity to ${reference}: ${similarity.error}`);
  const shown = Number.isNaN(similarity)
    ? 'undefined (a zero or mismatched embedding)'
    : similarity.toFixed(3);
  return similarity >= assertion.threshold
    ? pass(`similarity ${shown} to ${reference} (at least ${assertion.threshold})`)
    : fail(`expected similarity at least ${assertion.threshold} to ${reference}, got ${shown}`);
}

/** Dollars with enough digits for a fraction of a cent: `$0.00042`. */
function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return `$${value}`;
  return `$${Number(value.toPrecision(6))}`;
}
