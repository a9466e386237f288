/**
 * A PostgreSQL array literal with every element quoted, so that no element reads as NULL or splits.
 * @example toArrayLiteral(['a', 'b "c"']) // '{"a","b \"c\""}'
 */
export function toArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
