/**
 * Delays without a plugin: RabbitMQ 3.10 has no delayed delivery, so a delayed message waits in a "delay tier", a
 * queue whose every message has the same TTL and is dead-lettered back to its work queue when it expires. A queue
 * expires messages only at its head, so one TTL per queue keeps expiry in arrival order (per-message TTLs in one
 * queue would let a long delay hold back a short one). Tiers are powers of two: a delay goes to the largest tier
 * not longer than it, and a message that comes back early is sent to the next tier for the rest, so any delay
 * takes at most log2(delay) hops through a handful of queues.
 */

/**
 * A message due within this many milliseconds is delivered at once rather than parked. Zero: a consumer never
 * runs a job before its notBefore, and a message a few ms early waits in the shortest tier instead.
 */
export const DELAY_TOLERANCE_MS = 0;
const SHORTEST_TIER_MS = 8;
const LONGEST_TIER_MS = 2 ** 31;

/** The tier (its TTL in ms) for a message due in `remainingMs`; null when it is due now. */
export function chooseDelayTier(remainingMs: number): number | null {
  if (!(remainingMs > DELAY_TOLERANCE_MS)) return null;
  const power = 2 ** Math.floor(Math.log2(remainingMs));
  return Math.min(LONGEST_TIER_MS, Math.max(SHORTEST_TIER_MS, power));
}

/** Backoff before retry number `failedAttempts` (1 after the first failure): doubling from base, capped. */
export function computeRetryBackoff(
  failedAttempts: number,
  backoff: { baseMs: number; maxMs: number },
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 40));
}
