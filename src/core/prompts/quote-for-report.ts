/** Characters of a text a failure message shows before cutting it; reports stay readable with long answers. */
const QUOTE_LIMIT = 80;

/**
 * A text as a failure message quotes it: in single quotes, newlines shown as `\n`, cut after 80 characters with
 * an ellipsis and `(truncated)`.
 * @example quoteForReport('We cannot refund…a long answer') // "'We cannot refund…a long ans…' (truncated)"
 */
export function quoteForReport(text: string): string {
  const characters = [...text.replaceAll('\r', '\\r').replaceAll('\n', '\\n')];
  if (characters.length <= QUOTE_LIMIT) return `'${characters.join('')}'`;
  return `'${characters.slice(0, QUOTE_LIMIT).join('')}…' (truncated)`;
}
