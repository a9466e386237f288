import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher.js';

/** scrypt cost: N = 2^logN, block size r, parallelism p. Memory used is 128 · N · r bytes (32 MiB by default). */
export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/** OWASP's recommended minimum for scrypt (2^15, 8, 1); raise it here and old hashes are rehashed at sign-in. */
const DEFAULT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// PHC string format, so that the parameters travel with each hash: $scrypt$ln=15,r=8,p=1$<salt>$<hash>.
const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) => {
    // Node refuses more than 32 MiB by default, which N = 2^15, r = 8 needs exactly; leave headroom.
    const maxmem = 256 * N * cost.r;
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N, r: cost.r, p: cost.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

const base64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

function encode(parsed: ParsedHash): string {
  const { logN, r, p } = parsed.cost;
  return `$scrypt$ln=${logN},r=${r},p=${p}$${base64(parsed.salt)}$${base64(parsed.key)}`;
}

function parse(encoded: string): ParsedHash | null {
  const match = ENCODED.exec(encoded);
  if (!match) return null;
  const [, logN, r, p, salt, key] = match;
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  if (cost.logN < 1 || cost.logN > 24 || cost.r < 1 || cost.p < 1) return null;
  return { cost, salt: Buffer.from(salt ?? '', 'base64'), key: Buffer.from(key ?? '', 'base64') };
}

/**
 * Passwords hashed with scrypt from node:crypto: memory-hard, with no native package to build (see
 * docs/decisions/2026-12-04-passwords-scrypt-and-sessions.md). `cost` is for tests that need speed.
 * @example const hasher = createScryptPasswordHasher(); await hasher.verify('…', await hasher.hash('…'));
 */
export function createScryptPasswordHasher(options: { cost?: ScryptCost } = {}): PasswordHasher {
  const cost = Object.freeze({ ...(options.cost ?? DEFAULT_COST) });
  let dummy: Promise<ParsedHash> | undefined;

  async function hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return encode({ cost, salt, key: await derive(password, salt, cost) });
  }

  async function verify(password: string, encoded: string | null): Promise<boolean> {
    const parsed = encoded === null ? null : parse(encoded);
    if (parsed === null) {
      // As much work as a real verification, so that an unknown account answers as slowly as a known one.
      dummy ??= (async () => {
        const salt = randomBytes(SALT_BYTES);
        return { cost, salt, key: await derive('', salt, cost) };
      })();
      const reference = await dummy;
      await derive(password, reference.salt, reference.cost);
      return false;
    }
    const key = await derive(password, parsed.salt, parsed.cost);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }

  function needsRehash(encoded: string): boolean {
    const parsed = parse(encoded);
    if (parsed === null) return true;
    return parsed.cost.logN < cost.logN || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
  }

  return { hash, verify, needsRehash };
}
