import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { assertJsonDepth } from './json-depth.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { inner: value };
  return value;
}

describe('assertJsonDepth', () => {
  it('accepts ordinary bodies and scalars', () => {
    expect(() => assertJsonDepth({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).not.toThrow();
    expect(() => assertJsonDepth(nested(64))).not.toThrow();
    expect(() => assertJsonDepth('text')).not.toThrow();
    expect(() => assertJsonDepth(null)).not.toThrow();
  });

  it('refuses deeper bodies, however deep, without overflowing', () => {
    for (const depth of [65, 100_000]) {
      expect(() => assertJsonDepth(nested(depth))).toThrow(SlipwayError);
    }
  });
});
