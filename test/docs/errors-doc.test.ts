import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { STATUS_OF } from '../../src/http/openai-error.js';

const table = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line))
  .filter((match): match is RegExpExecArray => match !== null)
  .map((match) => ({ code: match[1], status: Number(match[2]) }));

describe('docs/errors.md', () => {
  it('lists every error code exactly once, and nothing else', () => {
    expect(table.map((row) => row.code).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('gives each code the status the HTTP layer uses', () => {
    for (const row of table) expect(row.status, row.code).toBe(STATUS_OF[row.code as keyof typeof STATUS_OF]);
  });
});
