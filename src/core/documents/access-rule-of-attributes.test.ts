import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessFilterFor } from '../access/access-filter.js';
import { isAllowed } from '../access/is-allowed.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../access/classification-levels.js';
import { accessRuleOfAttributes } from './access-rule-of-attributes.js';

const levels = DEFAULT_CLASSIFICATION_LEVELS;
const NOBODY = { everyone: false, users: [], groups: [], roles: [], classification: null };

describe('accessRuleOfAttributes', () => {
  it('reads a comma-separated allow list and a classification', () => {
    expect(
      accessRuleOfAttributes(
        { slipway_allow: ' group:finance, role:auditor ,user:fiona', slipway_classification: 'confidential' },
        levels,
      ),
    ).toEqual({
      everyone: false,
      users: ['fiona'],
      groups: ['finance'],
      roles: ['auditor'],
      classification: 'confidential',
    });
    expect(accessRuleOfAttributes({ slipway_allow: 'everyone' }, levels).everyone).toBe(true);
  });

  it('names nobody without an allow entry, whatever other attributes say', () => {
    expect(accessRuleOfAttributes({}, levels)).toEqual(NOBODY);
    expect(accessRuleOfAttributes({ slipway_allow: ' , ', team: 'finance', public: true }, levels)).toEqual(
      NOBODY,
    );
    expect(accessRuleOfAttributes({ slipway_classification: 'internal' }, levels)).toEqual({
      ...NOBODY,
      classification: 'internal',
    });
  });

  it('refuses wrong types, unknown entries and unknown levels, naming the attribute', () => {
    for (const [attributes, param] of [
      [{ slipway_allow: true }, 'attributes.slipway_allow'],
      [{ slipway_allow: 'finance' }, 'attributes.slipway_allow'],
      [
        { slipway_allow: 'group:finance', slipway_classification: 'secret' },
        'attributes.slipway_classification',
      ],
      [{ slipway_classification: 'secret' }, 'attributes.slipway_classification'],
      [{ slipway_classification: 3 }, 'attributes.slipway_classification'],
    ] as const) {
      expect(() => accessRuleOfAttributes(attributes, levels)).toThrow(
        expect.objectContaining({ code: 'invalid_request', param }) as Error,
      );
    }
  });

  it('lets in exactly the principals an allow entry names, within their clearance (property)', () => {
    const name = fc.constantFrom('a', 'b', 'c');
    const entry = fc.oneof(
      fc.constant('everyone'),
      name.map((value) => `user:${value}`),
      name.map((value) => `group:${value}`),
      name.map((value) => `role:${value}`),
    );
    const level = fc.constantFrom(...levels);
    fc.assert(
      fc.property(
        fc.option(fc.array(entry, { maxLength: 4 }), { nil: undefined }),
        fc.option(level, { nil: undefined }),
        fc.record({
          userId: name,
          groups: fc.array(name, { maxLength: 2 }),
          roles: fc.array(name, { maxLength: 2 }),
          clearance: level,
        }),
        (allow, classification, who) => {
          const rule = accessRuleOfAttributes(
            {
              ...(allow === undefined ? {} : { slipway_allow: allow.join(', ') }),
              ...(classification === undefined ? {} : { slipway_classification: classification }),
              note: 'attributes other than slipway_* never widen a rule',
            },
            levels,
          );
          const entries = allow ?? [];
          const named =
            entries.includes('everyone') ||
            entries.includes(`user:${who.userId}`) ||
            who.groups.some((group) => entries.includes(`group:${group}`)) ||
            who.roles.some((role) => entries.includes(`role:${role}`));
          const cleared =
            classification === undefined || levels.indexOf(classification) <= levels.indexOf(who.clearance);
          const principal = { kind: 'end_user' as const, ...who };
          expect(isAllowed(rule, accessFilterFor(principal, levels))).toBe(named && cleared);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
