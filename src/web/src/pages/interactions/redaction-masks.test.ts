import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PII_MASKS } from '../../../../core/redaction/pii-entity.js';
import { splitRedactionMasks } from './redaction-masks.js';

describe('splitRedactionMasks', () => {
  it('separates masks from the text around them', () => {
    expect(splitRedactionMasks('Mail [EMAIL] or call [PHONE].')).toEqual([
      { kind: 'text', text: 'Mail ' },
      { kind: 'mask', text: '[EMAIL]', label: 'e-mail address' },
      { kind: 'text', text: ' or call ' },
      { kind: 'mask', text: '[PHONE]', label: 'phone number' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('recognises every mask the redactor writes', () => {
    for (const mask of Object.values(PII_MASKS)) {
      expect(splitRedactionMasks(mask)).toEqual([{ kind: 'mask', text: mask, label: expect.any(String) }]);
    }
  });

  it('leaves look-alikes and empty text alone', () => {
    expect(splitRedactionMasks('[email] [NAME] [EMAIL')).toEqual([
      { kind: 'text', text: '[email] [NAME] [EMAIL' },
    ]);
    expect(splitRedactionMasks('')).toEqual([]);
  });

  it('loses no character of any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...Object.values(PII_MASKS)))), (pieces) => {
        const text = pieces.join('');
        expect(
          splitRedactionMasks(text)
            .map((segment) => segment.text)
            .join(''),
        ).toBe(text);
      }),
    );
  });
});
