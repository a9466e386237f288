import type { LimitPolicy } from './identity.js';

/** What a counter measures: requests or tokens per minute, or spend (micro-USD) per UTC day or month. */
export type LimitMeasure = 'rpm' | 'tpm' | 'spend-day' | 'spend-month';

/**
 * One limit charged for one request, shaped as the usage ledger's `CounterCharge` (src/ports/usage-ledger.ts),
 * plus what it measures so that it can be settled to the actual usage.
 */
export interface LimitCharge {
  /** `key:<id>:<measure>`, `project:<id>:<measure>` or `user:<projectId>:<endUser>:<measure>`. */
  counter: string;
  windowStart: number;
  windowEnd: number;
  limit: number;
  amount: number;
  measure: LimitMeasure;
}

/** The limits configured for every key, every project and every end user. */
export interface GatewayLimits {
  perKey: LimitPolicy;
  perProject: LimitPolicy;
  perEndUser: LimitPolicy;
}

export interface LimitChargesOptions {
  keyId: string;
  projectId: string;
  endUser: string | null;
  keyLimits: LimitPolicy;
  projectLimits: LimitPolicy;
  endUserLimits: LimitPolicy;
  /** Tokens this request may use at most (prompt plus maximum output). */
  tokens: number;
  /** Spend this request may reach at most, in micro-USD. */
  spendMicroUsd: number;
  /** The current time (ms, UTC). */
  now: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MEASURES: readonly LimitMeasure[] = ['rpm', 'tpm', 'spend-day', 'spend-month'];

/** Integer micro-USD, the unit the ledger counts spend in (integers add up exactly; floats of USD do not). */
export function toMicroUsd(usd: number): number {
  return Math.round(usd * 1_000_000);
}

/**
 * `override`'s limits replace `base`'s field by field; a field absent (or undefined) in `override` keeps `base`'s.
 * @example overrideLimits({ requestsPerMinute: 60, tokensPerMinute: 1e5 }, { requestsPerMinute: 10 }) // rpm 10, tpm 1e5
 */
export function overrideLimits(base: LimitPolicy, override: LimitPolicy): LimitPolicy {
  const merged: LimitPolicy = { ...base };
  for (const field of [
    'requestsPerMinute',
    'tokensPerMinute',
    'spendPerDayUsd',
    'spendPerMonthUsd',
  ] as const) {
    const value = override[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

/**
 * The ledger charges one request makes against the limits of its key, its project and (when known) its end user:
 * 1 request per minute, the estimated tokens per minute, and the estimated spend per UTC day and per UTC month.
 * Limits left unset are not charged. Windows are aligned (the minute, the UTC day, the UTC month) so that every
 * process sharing the ledger counts into the same rows.
 * @example buildLimitCharges({ keyId: 'key_1', projectId: 'p1', endUser: null, keyLimits: { requestsPerMinute: 60 }, projectLimits: {}, endUserLimits: {}, tokens: 300, spendMicroUsd: 90, now })
 * // [{ counter: 'key:key_1:rpm', windowStart: <minute start>, windowEnd: <+60 s>, limit: 60, amount: 1, measure: 'rpm' }]
 */
export function buildLimitCharges(options: LimitChargesOptions): LimitCharge[] {
  const subjects: Array<{ prefix: string; policy: LimitPolicy }> = [
    { prefix: `key:${options.keyId}`, policy: options.keyLimits },
    { prefix: `project:${options.projectId}`, policy: options.projectLimits },
  ];
  if (options.endUser !== null) {
    subjects.push({ prefix: `user:${options.projectId}:${options.endUser}`, policy: options.endUserLimits });
  }
  const charges: LimitCharge[] = [];
  for (const { prefix, policy } of subjects) {
    for (const measure of MEASURES) {
      const limit = limitOf(policy, measure);
      if (limit === undefined) continue;
      const window = windowOf(measure, options.now);
      charges.push({
        counter: `${prefix}:${measure}`,
        windowStart: window.start,
        windowEnd: window.end,
        limit,
        amount: amountOf(measure, options),
        measure,
      });
    }
  }
  return charges;
}

/**
 * The actual amount of each charge once the request is over, keyed by counter, for `UsageLedger.settle`.
 * @example settledAmounts(charges, { tokens: 212, spendMicroUsd: 41 }) // { 'key:key_1:rpm': 1, 'key:key_1:tpm': 212 }
 */
export function settledAmounts(
  charges: readonly LimitCharge[],
  actual: { tokens: number; spendMicroUsd: number },
): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const charge of charges) amounts[charge.counter] = amountOf(charge.measure, actual);
  return amounts;
}

/** The measure named by a counter's last segment; undefined for a counter this module did not build. */
export function measureOfCounter(counter: string): LimitMeasure | undefined {
  const suffix = counter.slice(counter.lastIndexOf(':') + 1);
  return MEASURES.find((measure) => measure === suffix);
}

function limitOf(policy: LimitPolicy, measure: LimitMeasure): number | undefined {
  switch (measure) {
    case 'rpm':
      return policy.requestsPerMinute;
    case 'tpm':
      return policy.tokensPerMinute;
    case 'spend-day':
      return policy.spendPerDayUsd === undefined ? undefined : toMicroUsd(policy.spendPerDayUsd);
    case 'spend-month':
      return policy.spendPerMonthUsd === undefined ? undefined : toMicroUsd(policy.spendPerMonthUsd);
  }
}

function amountOf(measure: LimitMeasure, usage: { tokens: number; spendMicroUsd: number }): number {
  switch (measure) {
    case 'rpm':
      return 1;
    case 'tpm':
      return usage.tokens;
    case 'spend-day':
    case 'spend-month':
      return usage.spendMicroUsd;
  }
}

function windowOf(measure: LimitMeasure, now: number): { start: number; end: number } {
  switch (measure) {
    case 'rpm':
    case 'tpm': {
      const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
      return { start, end: start + MINUTE_MS };
    }
    case 'spend-day': {
      // Epoch milliseconds have no leap seconds: every UTC day is exactly DAY_MS long.
      const start = Math.floor(now / DAY_MS) * DAY_MS;
      return { start, end: start + DAY_MS };
    }
    case 'spend-month': {
      const date = new Date(now);
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth();
      return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
    }
  }
}
