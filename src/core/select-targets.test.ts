import { describe, expect, it } from 'vitest';
import { orderTargets } from './select-targets.js';
import type { Target } from './route.js';

const a: Target = { providerId: 'a', model: 'm', weight: 1 };
const b: Target = { providerId: 'b', model: 'm', weight: 3 };
const c: Target = { providerId: 'c', model: 'm', weight: 0 };

function fractions(...values: number[]): () => number {
  return () => {
    const value = values.shift();
    if (value === undefined) throw new Error('no fraction left');
    return value;
  };
}

describe('orderTargets', () => {
  it('keeps the listed order for the ordered strategy and draws no randomness', () => {
    expect(orderTargets({ strategy: 'ordered', targets: [b, a, c] }, fractions())).toEqual([b, a, c]);
  });

  it('draws by weight without replacement', () => {
    // Total 4: [0, 1) picks a, [1, 4) picks b.
    expect(orderTargets({ strategy: 'weighted', targets: [a, b] }, fractions(0.1, 0))).toEqual([a, b]);
    expect(orderTargets({ strategy: 'weighted', targets: [a, b] }, fractions(0.5, 0))).toEqual([b, a]);
  });

  it('puts zero-weight targets last, as listed', () => {
    expect(orderTargets({ strategy: 'weighted', targets: [c, a, b] }, fractions(0.9, 0.5))).toEqual([
      b,
      a,
      c,
    ]);
  });

  it('shares traffic in proportion to the weights', () => {
    let seed = 7;
    const lcg = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let firstB = 0;
    for (let index = 0; index < 4000; index += 1) {
      if (orderTargets({ strategy: 'weighted', targets: [a, b] }, lcg)[0] === b) firstB += 1;
    }
    expect(firstB / 4000).toBeGreaterThan(0.7);
    expect(firstB / 4000).toBeLessThan(0.8);
  });

  it('returns a new array every time', () => {
    const targets = [a, b];
    const ordered = orderTargets({ strategy: 'ordered', targets }, fractions());
    expect(ordered).not.toBe(targets);
  });
});
