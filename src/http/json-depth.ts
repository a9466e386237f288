import { SlipwayError } from '../core/errors.js';

/**
 * Deepest nesting a request body may have. Real chat bodies stay under ten levels (tool schemas nest a few more);
 * an unbounded depth would let a client exhaust the stack of every recursive walk the body goes through later
 * (serialisation to the upstream, redaction before logging), failing the request or blanking its log entry.
 */
const MAX_DEPTH = 64;

/** Throws `invalid_request` when the value nests deeper than MAX_DEPTH. Iterative, so it cannot itself overflow. */
export function assertJsonDepth(value: unknown): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_DEPTH) {
      throw new SlipwayError('invalid_request', `The request body nests deeper than ${MAX_DEPTH} levels.`);
    }
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
}
