import type { AccessFilter } from '../../../core/access/access-filter.js';
import { filterKey } from './allowed-count-cache.js';

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
interface WalkTrustSettings {
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
    const key = filterKey(collectionId, filter);
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
    const key = filterKey(collectionId, filter);
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
