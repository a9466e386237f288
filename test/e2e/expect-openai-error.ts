import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Answer } from './send-request.js';

/** Code → status, as docs/errors.md documents them: the contract clients are promised. */
const DOCUMENTED_STATUS: ReadonlyMap<string, number> = new Map(
  readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1] ?? '', Number(match[2])]),
);

/**
 * Asserts that an answer is an error in OpenAI's shape, with a documented code whose documented status is the
 * one sent, and returns the error. `code` additionally pins the code.
 */
export function expectOpenAiError(
  answer: Answer,
  code?: string,
): { message: string; type: string; param: string | null; code: string } {
  expect(answer.headers['content-type'], answer.text).toMatch(/^application\/json/);
  const body = answer.json() as { error?: unknown };
  expect(Object.keys(body), answer.text).toEqual(['error']);
  const error = body.error as Record<string, unknown>;
  expect(error, answer.text).toEqual({
    message: expect.any(String),
    type: expect.any(String),
    param: error.param === null ? null : expect.any(String),
    code: expect.any(String),
  });
  const documented = DOCUMENTED_STATUS.get(error.code as string);
  expect(documented, `undocumented code in ${answer.text}`).toBeDefined();
  expect(answer.status, answer.text).toBe(documented);
  if (code !== undefined) expect(error.code, answer.text).toBe(code);
  return error as { message: string; type: string; param: string | null; code: string };
}
