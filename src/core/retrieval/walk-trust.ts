import type { AccessFilter } from '../access/access-filter.js';
import { accessFilterKey } from '../access/access-filter-key.js';

/**
 * How a search between the always-exact and the always-walk sizes reads its chunks, as far as one approximate path
 * (the HNSW walk, or the nearest documents) is concerned.
 */
export type TrialPlan =
  /** The exact answer only: this principal's approximate answers have missed. */
  | 'exact'
  /** The approximate path only: this principal's approximate answers have matched the exact answer. */
  | 'walk'
  /** Both, in one snapshot: the exact answer is returned and the approximate one is scored against it. */
  | 'check';

/** When a principal's walk is trusted, and how often a trusted (or distrusted) one is checked again. */
export interface WalkTrustSettings {
  /** Checks a pair gets before a walk may answer for it. */
  trials: number;
  /** Every this many searches of a pair after its trials, one is a check. */
  checkEvery: number;
  /** Mean recall@k of a pair's checked walks needed to trust its walk. */
  minRecall: number;
}

interface Checks {
  checks: number;
  recallSum: number;
  sinceCheck: number;
}

/**
 * Whether an approximate path (the filtered HNSW walk; the planner keeps a second instance for the nearest
 * documents) of a (collection, access filter) pair can be trusted, judged by that pair's own answers scored against
 * exact searches of the same snapshot. The allowed count cannot tell a filter whose allowed
 * chunks are spread over the whole collection (the walk finds them: recall 0.997 at 10 % of 100,000 chunks) from
 * one whose allowed chunks are a few topics (the walk misses: 0.85–0.89 at every ef_search); reading the denied
 * chunks near a query to tell them apart would put an unfiltered chunk read in the search, so the judgment uses
 * what the principal may read only. A judgment is a mean over recent checks, halved in weight at four times the trials, so
 * that a principal whose walks start to miss (after writes change the collection) is caught by the next checks.
 * The answer of a check is the exact one, so checks never cost recall, only time.
 */
export class WalkTrust {
  readonly #records = new Map<string, Checks>();

  constructor(
    readonly capacity: number,
    readonly settings: WalkTrustSettings,
  ) {}

  plan(collectionId: number, filter: AccessFilter): TrialPlan {
    const key = accessFilterKey(collectionId, filter);
    const record = this.#records.get(key) ?? { checks: 0, recallSum: 0, sinceCheck: 0 };
    this.#keep(key, record);
    if (record.checks < this.settings.trials) return 'check';
    record.sinceCheck += 1;
    if (record.sinceCheck >= this.settings.checkEvery) {
      record.sinceCheck = 0;
      return 'check';
    }
    return record.recallSum / record.checks >= this.settings.minRecall ? 'walk' : 'exact';
  }

  /** The recall of one checked walk (the share of the exact answer it found). */
  record(collectionId: number, filter: AccessFilter, recall: number): void {
    const key = accessFilterKey(collectionId, filter);
    const record = this.#records.get(key) ?? { checks: 0, recallSum: 0, sinceCheck: 0 };
    record.checks += 1;
    record.recallSum += recall;
    if (record.checks >= 4 * this.settings.trials) {
      record.checks /= 2;
      record.recallSum /= 2;
    }
    this.#keep(key, record);
  }

  #keep(key: string, record: Checks): void {
    this.#records.delete(key);
    this.#records.set(key, record);
    if (this.#records.size > this.capacity) {
      const oldest = this.#records.keys().next();
      if (!oldest.done) this.#records.delete(oldest.value);
    }
  }
}

/**
 * The defaults of both indexes: after 8 checks that found on average 98 % of the exact answer, re-checked every 16th
 * search. At 10 % of 100,000 chunks the walk of a filter spread over every topic scores about 0.997 and one
 * following topics 0.85–0.89, so the two fall on either side of 0.98; the nearest documents of the second score
 * 0.99.
 */
const DEFAULT_TRUST_SETTINGS: WalkTrustSettings = Object.freeze({
  trials: 8,
  checkEvery: 16,
  minRecall: 0.98,
});

/** A planner's two trusts: in the walk, and in the nearest documents of a principal whose walk misses. */
export interface PlannerTrust {
  walk: WalkTrust;
  documents: WalkTrust;
}

/** Both trusts, for up to `principals` (collection, filter) pairs each. */
export function plannerTrust(
  principals: number,
  settings: { walk?: WalkTrustSettings; documents?: WalkTrustSettings } = {},
): PlannerTrust {
  return Object.freeze({
    walk: new WalkTrust(principals, settings.walk ?? DEFAULT_TRUST_SETTINGS),
    documents: new WalkTrust(principals, settings.documents ?? DEFAULT_TRUST_SETTINGS),
  });
}

/** What a principal's checked-zone search reads, as `planCheckedSearch` decides it. */
type CheckedPlan = 'hnsw' | 'documents' | 'exact' | 'check';

/**
 * The plan of a search in the checked zone, from what the two trusts have learned of this (scope, filter) pair:
 * the walk if its checks matched; else the nearest documents if theirs did; a check (an exact answer, with both
 * shortcuts scored beside it) while either is still on trial or due again; else the exact search.
 */
export function planCheckedSearch(trust: PlannerTrust, scope: number, filter: AccessFilter): CheckedPlan {
  const walk = trust.walk.plan(scope, filter);
  if (walk !== 'exact') return walk === 'walk' ? 'hnsw' : 'check';
  // This principal's walks miss (its allowed chunks are a few topics, say): its nearest documents may not.
  const documents = trust.documents.plan(scope, filter);
  return documents === 'walk' ? 'documents' : documents;
}
