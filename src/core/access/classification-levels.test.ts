import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import { DEFAULT_CLASSIFICATION_LEVELS, parseClassificationLevels } from './classification-levels.js';

describe('parseClassificationLevels', () => {
  it('keeps the order, lowest first, and freezes the copy', () => {
    const levels = parseClassificationLevels(['open', 'secret']);
    expect(levels).toEqual(['open', 'secret']);
    expect(Object.isFrozen(levels)).toBe(true);
    expect(DEFAULT_CLASSIFICATION_LEVELS).toEqual(['public', 'internal', 'confidential', 'restricted']);
  });

  it.each([[[]], [['a', 'a']], [['']], [[' a']], [[3]], [[...Array(33).keys()].map(String)]])(
    'refuses %j',
    (names) => {
      expect(() => parseClassificationLevels(names)).toThrow(SlipwayError);
    },
  );

  it('either returns the names unchanged or throws invalid_request, for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))), (names) => {
        try {
          expect(parseClassificationLevels(names)).toEqual(names);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_request' });
        }
      }),
    );
  });
});
