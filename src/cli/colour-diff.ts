const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const CYAN = '\u001b[36m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

function colourOf(line: string): string | null {
  if (line.startsWith('+++') || line.startsWith('---')) return BOLD;
  if (line.startsWith('+')) return GREEN;
  if (line.startsWith('-')) return RED;
  if (line.startsWith('@@')) return CYAN;
  return null;
}

/**
 * Colours a unified diff the way `git diff` does on a terminal: additions green, removals red, hunk headers cyan.
 * Only for terminals: a diff piped to a file or another program stays plain text.
 * @example colourDiff('-old\n+new\n') === '\u001b[31m-old\u001b[0m\n\u001b[32m+new\u001b[0m\n'
 */
export function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      const colour = colourOf(line);
      return colour === null ? line : `${colour}${line}${RESET}`;
    })
    .join('\n');
}
