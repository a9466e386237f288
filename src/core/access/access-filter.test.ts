import { describe, expect, it } from 'vitest';
import { accessFilterFor } from './access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from './classification-levels.js';

describe('accessFilterFor', () => {
  it('gives an anonymous principal no subjects and the lowest level only', () => {
    expect(accessFilterFor({ kind: 'anonymous' }, DEFAULT_CLASSIFICATION_LEVELS)).toEqual({
      userId: null,
      groups: [],
      roles: [],
      levels: DEFAULT_CLASSIFICATION_LEVELS,
      readableLevels: ['public'],
    });
  });

  it('lets a clearance reach its own level and every lower one; no clearance reaches the lowest', () => {
    const user = { kind: 'end_user', userId: 'ada', groups: ['finance', 'finance'], roles: [] } as const;
    expect(
      accessFilterFor({ ...user, clearance: 'confidential' }, DEFAULT_CLASSIFICATION_LEVELS),
    ).toMatchObject({
      userId: 'ada',
      groups: ['finance'],
      readableLevels: ['public', 'internal', 'confidential'],
    });
    expect(
      accessFilterFor({ ...user, clearance: null }, DEFAULT_CLASSIFICATION_LEVELS).readableLevels,
    ).toEqual(['public']);
  });

  it('refuses a clearance that is not a configured level, and an empty list of levels', () => {
    const user = { kind: 'end_user', userId: 'ada', groups: [], roles: [], clearance: 'top-secret' } as const;
    expect(() => accessFilterFor(user, DEFAULT_CLASSIFICATION_LEVELS)).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'clearance' }),
    );
    expect(() => accessFilterFor({ kind: 'anonymous' }, [])).toThrow(/No classification levels/);
  });
});
