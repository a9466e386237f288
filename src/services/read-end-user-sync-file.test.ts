import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import type { EndUserFields } from '../core/end-user.js';
import { readEndUserSyncFile } from './read-end-user-sync-file.js';

const levels = DEFAULT_CLASSIFICATION_LEVELS;
const csv = (text: string) => readEndUserSyncFile({ format: 'csv', text }, levels);

/** One CSV cell, quoted as RFC 4180 asks. */
const cell = (text: string) => `"${text.replaceAll('"', '""')}"`;

describe('read end-user sync file', () => {
  it('reads CSV with ";" between names, defaults for missing cells, and any header case', () => {
    const result = csv('ID,Name,groups,roles,clearance\nu1,Ada,finance; audit ;,analyst,internal\nu2,,,,\n');
    expect(result).toEqual({
      users: [
        {
          id: 'u1',
          name: 'Ada',
          groups: ['audit', 'finance'],
          roles: ['analyst'],
          clearance: 'internal',
          disabled: false,
        },
        { id: 'u2', name: 'u2', groups: [], roles: [], clearance: null, disabled: false },
      ],
      errors: [],
    });
  });

  it('reports every bad line with its number, and repeated ids', () => {
    const result = csv(
      'id,groups,clearance,disabled\nu1,finance,secret,no\nu2,bad group,,\nu3,,,maybe\nu1,,,\n,,,\nu4,,restricted,yes\n',
    );
    // Line 5 repeats u1, whose own line was refused: it is read, and the file is refused for the other lines.
    expect(result.users.map((user) => user.id)).toEqual(['u1', 'u4']);
    expect(result.users[1]).toEqual({
      id: 'u4',
      name: 'u4',
      groups: [],
      roles: [],
      clearance: 'restricted',
      disabled: true,
    });
    expect(result.errors.map((error) => [error.line, error.id])).toEqual([
      [2, 'u1'],
      [3, 'u2'],
      [4, 'u3'],
      [6, ''],
    ]);
    expect(result.errors[0]?.message).toMatch(/not one of the classification levels/);
    const repeated = csv('id\nu1\nu1\n');
    expect(repeated.errors).toEqual([
      { line: 3, id: 'u1', message: 'id "u1" is listed twice (first on line 2)' },
    ]);
  });

  it('refuses unknown columns, a missing id column and broken quoting as a whole', () => {
    expect(csv('id,team\nu1,x\n').errors[0]?.message).toMatch(/unknown column\(s\) team/);
    expect(csv('name\nAda\n').errors[0]?.message).toMatch(/no "id" column/);
    expect(csv('id,name\nu1,"Ada\n').errors[0]?.message).toMatch(/not valid CSV/);
  });

  it('reads JSON entries, numbering them from 1', () => {
    const result = readEndUserSyncFile(
      { format: 'json', users: [{ id: 'u1', groups: ['b', 'a', 'a'] }, { id: 'u2', extra: 1 }, 'u3'] },
      levels,
    );
    expect(result.users).toEqual([
      { id: 'u1', name: 'u1', groups: ['a', 'b'], roles: [], clearance: null, disabled: false },
    ]);
    expect(result.errors.map((error) => error.line)).toEqual([2, 3]);
  });

  it('reads back any valid directory written as CSV (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,12}$/);
    const entry = fc.record({
      id: fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((id) => id.trim() === id && [...id].every((char) => char >= ' ' && char !== '\u007f')),
      name: fc.string({ maxLength: 20 }).filter((text) => text.trim() === text && text !== ''),
      groups: fc.uniqueArray(name, { maxLength: 4 }),
      roles: fc.uniqueArray(name, { maxLength: 3 }),
      clearance: fc.option(fc.constantFrom(...levels), { nil: null }),
      disabled: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (user) => user.id, maxLength: 8 }),
        (users: EndUserFields[]) => {
          const text = [
            'id,name,groups,roles,clearance,disabled',
            ...users.map((user) =>
              [
                user.id,
                user.name,
                user.groups.join(';'),
                user.roles.join(';'),
                user.clearance ?? '',
                String(user.disabled),
              ]
                .map(cell)
                .join(','),
            ),
          ].join('\r\n');
          const result = csv(text);
          expect(result.errors).toEqual([]);
          expect(result.users).toEqual(
            users.map((user) => ({
              ...user,
              groups: [...user.groups].sort(),
              roles: [...user.roles].sort(),
            })),
          );
        },
      ),
    );
  });
});
