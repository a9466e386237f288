import { describe, expect, it } from 'vitest';
import { accessFilterFor } from '../access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../access/classification-levels.js';
import { WalkTrust, type TrialPlan } from './walk-trust.js';

const filterOf = (groups: string[]) =>
  accessFilterFor(
    { kind: 'end_user', userId: 'ada', groups, roles: [], clearance: null },
    DEFAULT_CLASSIFICATION_LEVELS,
  );
const SETTINGS = { trials: 3, checkEvery: 4, minRecall: 0.98 };

/** Plans `count` searches of one pair, recording `recall` for each check as the search would. */
function run(trust: WalkTrust, options: { count: number; recall: number; groups?: string[] }): TrialPlan[] {
  const filter = filterOf(options.groups ?? ['finance']);
  return Array.from({ length: options.count }, () => {
    const plan = trust.plan(1, filter);
    if (plan === 'check') trust.record(1, filter, options.recall);
    return plan;
  });
}

describe('WalkTrust', () => {
  it('checks a pair first, then walks when its walks matched, checking again every few searches', () => {
    const trust = new WalkTrust(10, SETTINGS);
    expect(run(trust, { count: 11, recall: 1 }).join(' ')).toBe(
      'check check check walk walk walk check walk walk walk check',
    );
  });

  it('keeps a pair whose walks missed on the exact path, checking it again all the same', () => {
    const trust = new WalkTrust(10, SETTINGS);
    expect(run(trust, { count: 7, recall: 0.9 }).join(' ')).toBe('check check check exact exact exact check');
  });

  it('stops trusting a pair whose later checks miss', () => {
    const trust = new WalkTrust(10, SETTINGS);
    run(trust, { count: 4, recall: 1 });
    // Two checks at recall 0.5 bring the mean of five checks to 0.8.
    expect(run(trust, { count: 8, recall: 0.5 }).join(' ')).toBe(
      'walk walk check exact exact exact check exact',
    );
  });

  it('judges each collection and access filter apart', () => {
    const trust = new WalkTrust(10, SETTINGS);
    run(trust, { count: 3, recall: 1 });
    expect(trust.plan(1, filterOf(['finance']))).toBe('walk');
    expect(trust.plan(1, filterOf(['audit']))).toBe('check');
    expect(trust.plan(2, filterOf(['finance']))).toBe('check');
  });

  it('forgets the least recently used pair beyond its capacity', () => {
    const trust = new WalkTrust(1, SETTINGS);
    run(trust, { count: 3, recall: 1 });
    trust.plan(1, filterOf(['audit']));
    expect(trust.plan(1, filterOf(['finance']))).toBe('check');
  });
});
