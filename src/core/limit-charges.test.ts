import { describe, expect, it } from 'vitest';
import {
  buildLimitCharges,
  measureOfCounter,
  overrideLimits,
  settledAmounts,
  toMicroUsd,
} from './limit-charges.js';
import type { LimitChargesOptions } from './limit-charges.js';

const now = Date.UTC(2025, 1, 14, 13, 37, 42, 123); // 2025-02-14T13:37:42.123Z

const base: LimitChargesOptions = {
  keyId: 'key_1',
  projectId: 'p1',
  endUser: null,
  keyLimits: {},
  projectLimits: {},
  endUserLimits: {},
  tokens: 300,
  spendMicroUsd: 90,
  now,
};

describe('buildLimitCharges', () => {
  it('charges nothing when no limit is set', () => {
    expect(buildLimitCharges(base)).toEqual([]);
  });

  it('charges one request and the estimated tokens per aligned minute', () => {
    const charges = buildLimitCharges({
      ...base,
      keyLimits: { requestsPerMinute: 60, tokensPerMinute: 10_000 },
    });
    const minute = Date.UTC(2025, 1, 14, 13, 37);
    expect(charges).toEqual([
      {
        counter: 'key:key_1:rpm',
        windowStart: minute,
        windowEnd: minute + 60_000,
        limit: 60,
        amount: 1,
        measure: 'rpm',
      },
      {
        counter: 'key:key_1:tpm',
        windowStart: minute,
        windowEnd: minute + 60_000,
        limit: 10_000,
        amount: 300,
        measure: 'tpm',
      },
    ]);
  });

  it('charges spend in micro-USD per UTC day and UTC month', () => {
    const charges = buildLimitCharges({
      ...base,
      projectLimits: { spendPerDayUsd: 5, spendPerMonthUsd: 100.25 },
    });
    expect(charges).toEqual([
      {
        counter: 'project:p1:spend-day',
        windowStart: Date.UTC(2025, 1, 14),
        windowEnd: Date.UTC(2025, 1, 15),
        limit: 5_000_000,
        amount: 90,
        measure: 'spend-day',
      },
      {
        counter: 'project:p1:spend-month',
        windowStart: Date.UTC(2025, 1, 1),
        windowEnd: Date.UTC(2025, 2, 1),
        limit: 100_250_000,
        amount: 90,
        measure: 'spend-month',
      },
    ]);
  });

  it('ends a December month window on the first of January', () => {
    const [charge] = buildLimitCharges({
      ...base,
      now: Date.UTC(2025, 11, 31, 23, 59),
      keyLimits: { spendPerMonthUsd: 1 },
    });
    expect(charge?.windowStart).toBe(Date.UTC(2025, 11, 1));
    expect(charge?.windowEnd).toBe(Date.UTC(2026, 0, 1));
  });

  it('charges the end user only when there is one, named within its project', () => {
    const options = { ...base, endUserLimits: { requestsPerMinute: 5 } };
    expect(buildLimitCharges(options)).toEqual([]);
    expect(buildLimitCharges({ ...options, endUser: 'alice' }).map((charge) => charge.counter)).toEqual([
      'user:p1:alice:rpm',
    ]);
  });

  it('charges key, project and end user together', () => {
    const charges = buildLimitCharges({
      ...base,
      endUser: 'bob',
      keyLimits: { requestsPerMinute: 1 },
      projectLimits: { tokensPerMinute: 1 },
      endUserLimits: { spendPerDayUsd: 1 },
    });
    expect(charges.map((charge) => charge.counter)).toEqual([
      'key:key_1:rpm',
      'project:p1:tpm',
      'user:p1:bob:spend-day',
    ]);
  });
});

describe('settledAmounts', () => {
  it('settles requests to 1, tokens and spend to the actual usage', () => {
    const charges = buildLimitCharges({
      ...base,
      keyLimits: { requestsPerMinute: 60, tokensPerMinute: 10_000, spendPerDayUsd: 1, spendPerMonthUsd: 10 },
    });
    expect(settledAmounts(charges, { tokens: 212, spendMicroUsd: 41 })).toEqual({
      'key:key_1:rpm': 1,
      'key:key_1:tpm': 212,
      'key:key_1:spend-day': 41,
      'key:key_1:spend-month': 41,
    });
  });
});

describe('overrideLimits', () => {
  it('replaces field by field, keeping what the override leaves unset', () => {
    expect(
      overrideLimits(
        { requestsPerMinute: 60, tokensPerMinute: 100_000 },
        { requestsPerMinute: 10, tokensPerMinute: undefined, spendPerDayUsd: 2 },
      ),
    ).toEqual({ requestsPerMinute: 10, tokensPerMinute: 100_000, spendPerDayUsd: 2 });
  });
});

describe('helpers', () => {
  it('converts USD to integer micro-USD', () => {
    expect(toMicroUsd(0.1)).toBe(100_000);
    expect(toMicroUsd(0.0000015)).toBe(2);
  });

  it('reads the measure from a counter', () => {
    expect(measureOfCounter('user:p1:a:b:spend-month')).toBe('spend-month');
    expect(measureOfCounter('key:k:other')).toBeUndefined();
  });
});
