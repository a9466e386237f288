import { randomBytes, randomFillSync } from 'node:crypto';
import type { Random } from '../../ports/random.js';

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
// Random bytes for ids are drawn in blocks: one syscall per 256 ids instead of one per id on the hot path.
const POOL_SIZE = 256 * 10;

/**
 * Ids are `<prefix>_<time in base36, 9 chars><10 random base36 chars>`: sortable by creation time (to the ms)
 * and unique across processes (~51 bits of randomness per millisecond).
 */
export function createCryptoRandom(): Random {
  const pool = Buffer.alloc(POOL_SIZE);
  let offset = POOL_SIZE;
  return {
    fraction: () => Math.random(),
    bytes: (length) => new Uint8Array(randomBytes(length)),
    id: (prefix) => {
      if (offset + 10 > POOL_SIZE) {
        randomFillSync(pool);
        offset = 0;
      }
      let suffix = '';
      for (let i = 0; i < 10; i++) suffix += ID_ALPHABET[(pool[offset + i] ?? 0) % 36];
      offset += 10;
      return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${suffix}`;
    },
  };
}
