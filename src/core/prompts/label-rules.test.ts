import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTECTED_LABELS, LATEST_LABEL, canMoveLabel, isLabelName } from './label-rules.js';
import { describePromptSelector, parsePromptSelector } from './prompt-selector.js';

describe('label rules', () => {
  it('accepts 1 to 40 lowercase letters, digits, - and _', () => {
    for (const label of ['production', 'staging-2', 'a', 'canary_eu', 'x'.repeat(40)]) {
      expect(isLabelName(label)).toBe(true);
    }
    for (const label of ['', 'Production', 'has space', 'a/b', 'x'.repeat(41), 'émoji']) {
      expect(isLabelName(label)).toBe(false);
    }
  });

  it('lets admins move any label but latest, developers unprotected ones, others none', () => {
    const protectedLabels = DEFAULT_PROTECTED_LABELS;
    expect(canMoveLabel('admin', 'production', protectedLabels)).toBe(true);
    expect(canMoveLabel('admin', 'staging', protectedLabels)).toBe(true);
    expect(canMoveLabel('admin', LATEST_LABEL, protectedLabels)).toBe(false);
    expect(canMoveLabel('developer', 'staging', protectedLabels)).toBe(true);
    expect(canMoveLabel('developer', 'production', protectedLabels)).toBe(false);
    expect(canMoveLabel('developer', 'production', [])).toBe(true);
    expect(canMoveLabel('developer', LATEST_LABEL, [])).toBe(false);
    expect(canMoveLabel('viewer', 'staging', [])).toBe(false);
    expect(canMoveLabel('app', 'staging', [])).toBe(false);
  });
});

describe('prompt selectors', () => {
  it('reads digits as a version and names as a label', () => {
    expect(parsePromptSelector('3')).toEqual({ version: 3 });
    expect(parsePromptSelector(' production ')).toEqual({ label: 'production' });
    expect(describePromptSelector({ version: 3 })).toBe('version 3');
    expect(describePromptSelector({ label: 'staging' })).toBe('label "staging"');
  });

  it('refuses version 0, huge numbers and what is no label', () => {
    for (const text of ['0', '99999999999999999999', 'Prod', '', 'a b']) {
      expect(() => parsePromptSelector(text, 'from')).toThrow(expect.objectContaining({ param: 'from' }));
    }
  });
});
