/**
 * Hashes of people's passwords, with a memory-hard function. Hashes are self-describing (algorithm and cost
 * parameters included) so that the cost can be raised later without invalidating stored hashes.
 *
 * Contract: `hash` salts every hash afresh (the same password gives different hashes); `verify` compares in
 * constant time and, given `null` (no such account), spends about the same time as for a real hash and
 * resolves to false, so that response times do not reveal which accounts exist. A hash it cannot parse
 * verifies as false.
 * @example const ok = await hasher.verify(password, user?.passwordHash ?? null);
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, encoded: string | null): Promise<boolean>;
  /** True when the hash was made with weaker parameters than today's (rehash it after a successful sign-in). */
  needsRehash(encoded: string): boolean;
}
