import { describe, expect, it } from 'vitest';
import { EMPTY_END_USER_DRAFT, toEndUserBody, toEndUserDraft } from './end-user-draft.js';

const ADA = {
  id: 'u-ada',
  name: 'Ada',
  groups: ['audit', 'finance'],
  roles: ['analyst'],
  clearance: 'confidential',
  disabled: false,
  createdAt: 1,
  updatedAt: 2,
};

describe('toEndUserDraft and toEndUserBody', () => {
  it('round-trips an end user through the form text', () => {
    expect(toEndUserBody(toEndUserDraft(ADA))).toEqual({
      name: 'Ada',
      groups: ['audit', 'finance'],
      roles: ['analyst'],
      clearance: 'confidential',
      disabled: false,
    });
  });

  it('splits lists on commas and semicolons, dropping blanks', () => {
    const body = toEndUserBody({ ...EMPTY_END_USER_DRAFT, groups: ' finance,, audit;oncall ', roles: ' ' });
    expect(body.groups).toEqual(['finance', 'audit', 'oncall']);
    expect(body.roles).toEqual([]);
  });

  it('sends no clearance as null and leaves a blank name out, so the server keeps or defaults it', () => {
    const body = toEndUserBody({ ...EMPTY_END_USER_DRAFT, id: 'u-1', name: '  ', clearance: ' ' });
    expect(body.clearance).toBeNull();
    expect('name' in body).toBe(false);
  });
});
