/**
 * Lays out rows under headers in columns separated by two spaces, each as wide as its widest cell; the last
 * column is not padded, so lines carry no trailing blanks.
 * @example formatTable(['ID', 'NAME'], [['p1', 'default']]) === 'ID  NAME\np1  default\n'
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const lines = [headers, ...rows].map((cells) =>
    headers
      .map((_, column) => {
        const cell = cells[column] ?? '';
        return column === headers.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
