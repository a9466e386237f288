import { describe, expect, it } from 'vitest';
import { matchesEndUserFilter } from './end-user-filter.js';

const ADA = {
  id: 'u-ada',
  name: 'Ada Lovelace',
  groups: ['finance-eu'],
  roles: ['Analyst'],
  clearance: null,
  disabled: false,
  createdAt: 1,
  updatedAt: 1,
};

describe('matchesEndUserFilter', () => {
  it('matches part of the id or name, ignoring case and surrounding spaces', () => {
    expect(matchesEndUserFilter(ADA, ' U-AD ')).toBe(true);
    expect(matchesEndUserFilter(ADA, 'lovelace')).toBe(true);
    expect(matchesEndUserFilter(ADA, '')).toBe(true);
  });

  it('matches only whole group and role names', () => {
    expect(matchesEndUserFilter(ADA, 'finance-eu')).toBe(true);
    expect(matchesEndUserFilter(ADA, 'analyst')).toBe(true);
    expect(matchesEndUserFilter(ADA, 'finance')).toBe(false);
  });
});
