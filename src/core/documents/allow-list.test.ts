import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../access/classification-levels.js';
import { SlipwayError } from '../errors.js';
import { accessRuleOfAllowList, allowListOf } from './allow-list.js';

const levels = DEFAULT_CLASSIFICATION_LEVELS;

describe('accessRuleOfAllowList', () => {
  it('reads every kind of entry into a sorted rule', () => {
    expect(
      accessRuleOfAllowList(
        ['group:finance', 'user:alice', 'role:analyst', 'group:audit'],
        'internal',
        levels,
      ),
    ).toEqual({
      everyone: false,
      users: ['alice'],
      groups: ['audit', 'finance'],
      roles: ['analyst'],
      classification: 'internal',
    });
    expect(accessRuleOfAllowList(['everyone'], null, levels).everyone).toBe(true);
  });

  it('keeps colons after the first in the name', () => {
    expect(accessRuleOfAllowList(['group:a:b'], null, levels).groups).toEqual(['a:b']);
  });

  it('refuses no entries, unknown kinds, empty names and unknown classifications', () => {
    for (const [allow, classification, param] of [
      [[], null, 'allow'],
      [['team:x'], null, 'allow'],
      [['group:'], null, 'allow'],
      [['finance'], null, 'allow'],
      [['everyone'], 'secret', 'classification'],
    ] as const) {
      expect(() => accessRuleOfAllowList(allow, classification, levels)).toThrow(
        expect.objectContaining({ code: 'invalid_request', param }) as Error,
      );
    }
  });

  it('reads any input into a rule or an invalid_request, and round-trips through allowListOf', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc
              .constantFrom('everyone', 'user:', 'group:', 'role:')
              .chain((prefix) => fc.string({ minLength: 1, maxLength: 20 }).map((name) => prefix + name)),
          ),
          { maxLength: 8 },
        ),
        fc.option(fc.oneof(fc.constantFrom(...levels), fc.string()), { nil: null }),
        (allow, classification) => {
          try {
            const rule = accessRuleOfAllowList(allow, classification, levels);
            expect(accessRuleOfAllowList(allowListOf(rule), rule.classification, levels)).toEqual(rule);
          } catch (error) {
            expect(error).toBeInstanceOf(SlipwayError);
            expect((error as SlipwayError).code).toBe('invalid_request');
          }
        },
      ),
    );
  });
});
