/*
 * How values read in human output. Times are UTC so that output is the same on every machine and matches what
 * `--since 2025-01-31T12:00` means.
 */

/** `2025-01-31 12:00:05` (UTC), or `-` when absent. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Sub-cent costs are common per request, hence six decimals below one cent. */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  return amount < 0.01 ? `$${amount.toFixed(6)}` : `$${amount.toFixed(4)}`;
}

/** `850 ms`, `1.25 s`, or `-` when absent. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

export function writeJson(write: (text: string) => void, value: unknown): void {
  write(`${JSON.stringify(value, null, 2)}\n`);
}
