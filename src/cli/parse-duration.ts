import { InvalidArgumentError } from 'commander';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

type Unit = keyof typeof UNIT_MS;

// `ms` comes before `m` so that `500ms` is not read as 500 minutes followed by garbage.
const PART = /(\d+)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration such as `30m`, `1h`, `2d` or `1h30m` into milliseconds. Units: ms, s, m, h, d, w.
 * Throws commander's InvalidArgumentError, which the CLI reports as a usage error (exit code 2).
 * @example parseDuration('1h30m') === 5_400_000
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidArgumentError('Expected a duration such as 30m, 1h or 2d.');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (match === null) {
      throw new InvalidArgumentError(`'${text}' is not a duration: expected e.g. 30m, 1h or 2d.`);
    }
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  if (!Number.isSafeInteger(total)) throw new InvalidArgumentError(`'${text}' is too long a duration.`);
  return total;
}
