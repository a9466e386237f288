import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessFilterFor } from './access-filter.js';
import type { AccessRule } from './access-rule.js';
import { DEFAULT_CLASSIFICATION_LEVELS as LEVELS } from './classification-levels.js';
import { isAllowed } from './is-allowed.js';
import type { EndUserPrincipal } from './principal.js';

const rule = (overrides: Partial<AccessRule>): AccessRule => ({
  everyone: false,
  users: [],
  groups: [],
  roles: [],
  classification: null,
  ...overrides,
});
const user = (overrides: Partial<EndUserPrincipal> = {}): EndUserPrincipal => ({
  kind: 'end_user',
  userId: 'ada',
  groups: [],
  roles: [],
  clearance: null,
  ...overrides,
});
const anonymous = accessFilterFor({ kind: 'anonymous' }, LEVELS);

const ruleArbitrary: fc.Arbitrary<AccessRule> = fc.record({
  everyone: fc.boolean(),
  users: fc.subarray(['ada', 'bob']),
  groups: fc.subarray(['finance', 'sales']),
  roles: fc.subarray(['auditor']),
  classification: fc.constantFrom(null, ...LEVELS),
});
const userArbitrary: fc.Arbitrary<EndUserPrincipal> = fc.record({
  kind: fc.constant('end_user' as const),
  userId: fc.constantFrom('ada', 'bob', 'cy'),
  groups: fc.subarray(['finance', 'sales']),
  roles: fc.subarray(['auditor']),
  clearance: fc.constantFrom(null, ...LEVELS),
});

describe('isAllowed', () => {
  it('admits an anonymous principal only to documents for everyone that are public or unclassified', () => {
    expect(isAllowed(rule({ everyone: true }), anonymous)).toBe(true);
    expect(isAllowed(rule({ everyone: true, classification: 'public' }), anonymous)).toBe(true);
    expect(isAllowed(rule({ everyone: true, classification: 'internal' }), anonymous)).toBe(false);
    expect(isAllowed(rule({ groups: ['finance'] }), anonymous)).toBe(false);
  });

  it('admits by user, group or role, within the clearance', () => {
    const ada = accessFilterFor(
      user({ groups: ['finance'], roles: ['auditor'], clearance: 'internal' }),
      LEVELS,
    );
    expect(isAllowed(rule({ users: ['ada'] }), ada)).toBe(true);
    expect(isAllowed(rule({ groups: ['finance'], classification: 'internal' }), ada)).toBe(true);
    expect(isAllowed(rule({ roles: ['auditor'], classification: 'confidential' }), ada)).toBe(false);
    expect(isAllowed(rule({ users: ['bob'], groups: ['sales'] }), ada)).toBe(false);
  });

  it('throws for a rule naming the principal with an unknown classification, and ignores it otherwise', () => {
    const broken = rule({ groups: ['finance'], classification: 'top-secret' });
    expect(() => isAllowed(broken, accessFilterFor(user({ groups: ['finance'] }), LEVELS))).toThrow(
      expect.objectContaining({ code: 'internal_error' }),
    );
    expect(isAllowed(broken, anonymous)).toBe(false);
  });

  it('admits nobody to a rule naming nobody', () => {
    fc.assert(
      fc.property(userArbitrary, fc.constantFrom(null, ...LEVELS), (principal, classification) => {
        expect(isAllowed(rule({ classification }), accessFilterFor(principal, LEVELS))).toBe(false);
      }),
    );
  });

  it('never lets a higher clearance or one more group see less, and what anonymous sees every user sees', () => {
    fc.assert(
      fc.property(ruleArbitrary, userArbitrary, (document, principal) => {
        const filter = accessFilterFor(principal, LEVELS);
        const allowed = isAllowed(document, filter);
        const cleared = accessFilterFor({ ...principal, clearance: 'restricted' }, LEVELS);
        const grouped = accessFilterFor({ ...principal, groups: [...principal.groups, 'extra'] }, LEVELS);
        if (allowed) {
          expect(isAllowed(document, cleared)).toBe(true);
          expect(isAllowed(document, grouped)).toBe(true);
        }
        if (isAllowed(document, anonymous)) expect(allowed).toBe(true);
        if (document.classification !== null) {
          const rank = LEVELS.indexOf(document.classification);
          const reach = principal.clearance === null ? 0 : LEVELS.indexOf(principal.clearance);
          if (rank > reach) expect(allowed).toBe(false);
        }
      }),
    );
  });
});
