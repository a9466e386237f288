import { describe, expect, it } from 'vitest';
import { accessFilterFor } from '../../../core/access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../../core/access/classification-levels.js';
import { AllowedCountCache } from './allowed-count-cache.js';

const filterOf = (groups: string[]) =>
  accessFilterFor(
    { kind: 'end_user', userId: 'ada', groups, roles: [], clearance: null },
    DEFAULT_CLASSIFICATION_LEVELS,
  );
const count = (allowed: number) => ({ version: '1', allowed, total: 100 });

describe('AllowedCountCache', () => {
  it('keeps a count per collection and access filter', () => {
    const cache = new AllowedCountCache(10);
    cache.set(1, filterOf(['finance']), count(5));
    expect(cache.get(1, filterOf(['finance']))).toEqual(count(5));
    expect(cache.get(2, filterOf(['finance']))).toBeUndefined();
    expect(cache.get(1, filterOf(['audit']))).toBeUndefined();
    expect(
      cache.get(1, accessFilterFor({ kind: 'anonymous' }, DEFAULT_CLASSIFICATION_LEVELS)),
    ).toBeUndefined();
  });

  it('drops the least recently used entry beyond its capacity', () => {
    const cache = new AllowedCountCache(2);
    cache.set(1, filterOf(['a']), count(1));
    cache.set(1, filterOf(['b']), count(2));
    cache.get(1, filterOf(['a']));
    cache.set(1, filterOf(['c']), count(3));
    expect(cache.get(1, filterOf(['a']))).toEqual(count(1));
    expect(cache.get(1, filterOf(['b']))).toBeUndefined();
    expect(cache.get(1, filterOf(['c']))).toEqual(count(3));
  });
});
