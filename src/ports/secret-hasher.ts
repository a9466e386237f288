/** Digests of API-key secrets. Only digests are stored; comparisons are constant-time. */
export interface SecretHasher {
  /** Hex digest of the secret (SHA-256). Deterministic: the same secret gives the same digest. */
  digest(secret: string): string;
  /** Constant-time comparison of two digests of equal format. */
  equal(a: string, b: string): boolean;
}
