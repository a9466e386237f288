import { describe, expect, it } from 'vitest';
import { PresetIdGenerator } from './preset-id-generator.js';

describe('PresetIdGenerator', () => {
  it('hands out the preset ids inside withIds only, random valid ids otherwise', () => {
    const ids = new PresetIdGenerator();
    const inside = ids.withIds({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, () => [
      ids.generateSpanId(),
      ids.generateTraceId(),
    ]);
    expect(inside).toEqual(['b'.repeat(16), 'a'.repeat(32)]);
    expect(ids.generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(ids.generateSpanId()).not.toBe('b'.repeat(16));
    expect(ids.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('goes back to random ids when the span start throws', () => {
    const ids = new PresetIdGenerator();
    expect(() =>
      ids.withIds({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ids.generateSpanId()).not.toBe('b'.repeat(16));
  });
});
