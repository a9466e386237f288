/** Randomness for ids, secrets and jitter, injected so that tests can make it deterministic. */
export interface Random {
  /** A float in [0, 1), for jitter and weighted choice (not for secrets). */
  fraction(): number;
  /** Bytes from a cryptographically secure source, for secrets and ids. */
  bytes(length: number): Uint8Array;
  /** A sortable unique id with a type prefix, e.g. `int_01J…`. Unique across processes. */
  id(prefix: string): string;
}
