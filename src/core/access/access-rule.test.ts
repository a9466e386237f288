import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccessRule, safeParseAccessRule } from './access-rule.js';

describe('parseAccessRule', () => {
  it('fills what is missing with what admits least, and sorts and de-duplicates the lists', () => {
    expect(parseAccessRule({ groups: ['b', 'a', 'b'] })).toEqual({
      everyone: false,
      users: [],
      groups: ['a', 'b'],
      roles: [],
      classification: null,
    });
    expect(parseAccessRule({})).toMatchObject({ everyone: false, users: [], groups: [], roles: [] });
  });

  it.each([
    [{ everyone: 'yes' }, 'everyone'],
    [{ groups: 'finance' }, 'groups'],
    [{ users: [''] }, 'users.0'],
    [{ anyone: true }, ''],
    [{ classification: 3 }, 'classification'],
    [null, ''],
  ])('refuses %j with invalid_request', (input, where) => {
    const result = safeParseAccessRule(input);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error).toMatchObject({ code: 'invalid_request', param: 'access_rule' });
      expect(result.error.message).toContain(where);
    }
    expect(() => parseAccessRule(input)).toThrow(/Invalid access rule/);
  });

  it('never throws anything but invalid_request, and a parsed rule parses to itself', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ groups: fc.array(fc.string()), everyone: fc.boolean() })),
        (input) => {
          const result = safeParseAccessRule(input);
          if (result.success) expect(parseAccessRule(result.rule)).toEqual(result.rule);
          else expect(result.error.code).toBe('invalid_request');
        },
      ),
    );
  });
});
