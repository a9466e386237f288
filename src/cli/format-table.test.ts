import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.js';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    const table = formatTable(
      ['ID', 'NAME', 'ROLE'],
      [
        ['k1', 'ci', 'app'],
        ['key-22', 'dashboard', 'viewer'],
      ],
    );
    expect(table).toBe('ID      NAME       ROLE\nk1      ci         app\nkey-22  dashboard  viewer\n');
  });

  it('leaves no trailing blanks when the last cells are empty', () => {
    const table = formatTable(['A', 'B'], [['x', '']]);
    expect(table.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('prints the headers alone when there are no rows', () => {
    expect(formatTable(['ID', 'NAME'], [])).toBe('ID  NAME\n');
  });
});
