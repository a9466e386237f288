import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/check-config.js';

const example = readFileSync(new URL('../../slipway.example.yaml', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('slipway.example.yaml', () => {
  it('is a valid configuration', () => {
    const check = checkConfigText(example, { env: {} });
    expect(check.ok ? [] : check.problems).toEqual([]);
  });

  it('is the example the README shows', () => {
    expect(readme).toContain(example.trim());
  });
});
