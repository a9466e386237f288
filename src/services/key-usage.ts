import { SlipwayError } from '../core/errors.js';
import type { LimitPolicy } from '../core/identity.js';
import { buildLimitCharges, overrideLimits, type LimitMeasure } from '../core/limit-charges.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { StatsStore } from '../ports/stats-store.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

const MINUTE_MS = 60_000;
const MICRO_USD = 1_000_000;

/** A key's limits and how much of each it has used in the current window. */
export interface KeyUsageReport {
  keyId: string;
  /** The limits in force: the key's own, over the configured defaults for every key. */
  limits: LimitPolicy;
  usage: {
    requestsThisMinute: number;
    tokensThisMinute: number;
    /** The current UTC day. */
    spendTodayUsd: number;
    /** The current UTC month. */
    spendThisMonthUsd: number;
  };
}

export interface KeyUsageDeps {
  store: Pick<ApiKeyStore, 'getApiKey'> & Pick<UsageLedger, 'usage'> & StatsStore;
  clock: Clock;
  /** `limits.perKey` of the configuration, which a key's own limits override field by field. */
  keyLimitDefaults: LimitPolicy;
}

// Every measure set, only to learn the counters and windows the gateway charges (buildLimitCharges aligns them).
const EVERY_MEASURE: LimitPolicy = {
  requestsPerMinute: 1,
  tokensPerMinute: 1,
  spendPerDayUsd: 1,
  spendPerMonthUsd: 1,
};

/**
 * A key's spend and rate against its limits. Limited measures are read from the usage ledger, the counters the
 * gateway enforces (requests in flight included, at their reserved amount). The ledger keeps no counter for a
 * measure without a limit, so those are added up from the logged interactions' rollups instead.
 * @example const report = await usage.keyUsage({ keyId: 'key_1', projectScope: null });
 */
export function makeKeyUsage(deps: KeyUsageDeps) {
  const { store, clock } = deps;

  async function keyUsage(options: { keyId: string; projectScope: string | null }): Promise<KeyUsageReport> {
    const key = await store.getApiKey(options.keyId);
    // Another project's key answers like a missing one, so that ids cannot be probed across projects.
    if (key === null || (options.projectScope !== null && key.projectId !== options.projectScope)) {
      throw new SlipwayError('not_found', `No API key with id "${options.keyId}"`, { param: 'id' });
    }
    const limits = overrideLimits(deps.keyLimitDefaults, key.limits);
    const now = clock.now();
    const charges = buildLimitCharges({
      keyId: key.id,
      projectId: key.projectId,
      endUser: null,
      keyLimits: EVERY_MEASURE,
      projectLimits: {},
      endUserLimits: {},
      tokens: 0,
      spendMicroUsd: 0,
      now,
    });
    const ledgerAmounts = await store.usage(charges);
    const used = new Map<LimitMeasure, number>();
    const fromRollups = new Map<string, Promise<{ requests: number; tokens: number; costUsd: number }>>();
    for (const [index, charge] of charges.entries()) {
      if (isLimited(limits, charge.measure)) {
        used.set(charge.measure, ledgerAmounts[index] ?? 0);
        continue;
      }
      const window = `${charge.windowStart}-${charge.windowEnd}`;
      if (!fromRollups.has(window)) {
        fromRollups.set(
          window,
          loggedUsage({ keyId: key.id, since: charge.windowStart, until: charge.windowEnd }),
        );
      }
      const logged = await (fromRollups.get(window) as Promise<{
        requests: number;
        tokens: number;
        costUsd: number;
      }>);
      used.set(charge.measure, amountOf(charge.measure, logged));
    }
    return {
      keyId: key.id,
      limits,
      usage: {
        requestsThisMinute: used.get('rpm') ?? 0,
        tokensThisMinute: used.get('tpm') ?? 0,
        spendTodayUsd: (used.get('spend-day') ?? 0) / MICRO_USD,
        spendThisMonthUsd: (used.get('spend-month') ?? 0) / MICRO_USD,
      },
    };
  }

  async function loggedUsage(window: { keyId: string; since: number; until: number }) {
    const rollup = await store.statsRollup({
      since: window.since,
      until: window.until,
      // One point for the whole window: every window is a whole number of minutes.
      bucketMs: Math.ceil((window.until - window.since) / MINUTE_MS) * MINUTE_MS,
      groupBy: 'key',
      apiKeyId: window.keyId,
    });
    const { totals } = rollup;
    return {
      requests: totals.requests,
      tokens: totals.promptTokens + totals.completionTokens,
      costUsd: totals.costUsd,
    };
  }

  return { keyUsage };
}

export type KeyUsage = ReturnType<typeof makeKeyUsage>;

function isLimited(limits: LimitPolicy, measure: LimitMeasure): boolean {
  switch (measure) {
    case 'rpm':
      return limits.requestsPerMinute !== undefined;
    case 'tpm':
      return limits.tokensPerMinute !== undefined;
    case 'spend-day':
      return limits.spendPerDayUsd !== undefined;
    case 'spend-month':
      return limits.spendPerMonthUsd !== undefined;
  }
}

/** In the ledger's units: requests, tokens, micro-USD. */
function amountOf(
  measure: LimitMeasure,
  logged: { requests: number; tokens: number; costUsd: number },
): number {
  switch (measure) {
    case 'rpm':
      return logged.requests;
    case 'tpm':
      return logged.tokens;
    case 'spend-day':
    case 'spend-month':
      return Math.round(logged.costUsd * MICRO_USD);
  }
}
