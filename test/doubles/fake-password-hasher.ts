import type { PasswordHasher } from '../../src/ports/password-hasher.js';

/**
 * A fast, transparent PasswordHasher: `fake:<cost>:<password>`. Records every verification, with `null` for a
 * verification against no account, so that tests can check the timing-equalising dummy work is done.
 */
export class FakePasswordHasher implements PasswordHasher {
  readonly verified: Array<string | null> = [];

  constructor(private readonly cost = 1) {}

  async hash(password: string): Promise<string> {
    return `fake:${this.cost}:${password}`;
  }

  async verify(password: string, encoded: string | null): Promise<boolean> {
    this.verified.push(encoded);
    return encoded !== null && encoded.replace(/^fake:\d+:/, '') === password;
  }

  needsRehash(encoded: string): boolean {
    return Number(encoded.split(':')[1]) < this.cost;
  }
}
