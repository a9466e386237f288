import { InvalidArgumentError } from 'commander';
import { parseDuration } from './parse-duration.js';

/*
 * Parsers for option values. Each throws commander's InvalidArgumentError, which commander reports naming the
 * option, and which the CLI turns into exit code 2.
 */

export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('Expected a whole number of at least 1.');
  }
  return value;
}

export function parseUsdAmount(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('Expected an amount in USD greater than 0, such as 25 or 2.50.');
  }
  return value;
}

/** `a,b , c` → `['a', 'b', 'c']`. */
export function parseNameList(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new InvalidArgumentError('Expected a comma-separated list of names.');
  return names;
}

/** An http(s) base URL, returned as given so that messages show what the user typed. */
export function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('Expected a URL such as http://127.0.0.1:8080.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Expected an http:// or https:// URL.');
  }
  return text;
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A point in time as ms since the epoch: either a duration back from `now` (`30m`, `2d`) or an ISO 8601 date
 * (`2025-01-31`, `2025-01-31T12:00Z`). A date without a zone is UTC, the zone every table prints times in.
 */
export function parseInstant(text: string, now: number): number {
  const trimmed = text.trim();
  const date = ISO_DATE.exec(trimmed);
  if (date !== null) {
    const [, day, time, zone] = date;
    const value = Date.parse(time === undefined ? `${day}T00:00Z` : `${day}T${time}${zone ?? 'Z'}`);
    if (Number.isNaN(value)) throw new InvalidArgumentError(`'${text}' is not a valid date.`);
    return value;
  }
  try {
    return now - parseDuration(trimmed);
  } catch {
    throw new InvalidArgumentError(
      `'${text}' is neither a duration (30m, 1h, 2d) nor an ISO date (2025-01-31).`,
    );
  }
}
