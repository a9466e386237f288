import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretHasher } from '../../ports/secret-hasher.js';

/** SHA-256 is enough for long random keys: a slow password hash adds nothing against brute force of 190 bits. */
export const sha256SecretHasher: SecretHasher = {
  digest: (secret) => createHash('sha256').update(secret).digest('hex'),
  equal: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
};
