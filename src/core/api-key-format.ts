/**
 * Slipway API keys look like `sk-slw-<32 base62 chars><6 base62 checksum chars>`. The recognisable prefix and the
 * checksum let secret scanners find leaked keys and let the gateway reject mistyped ones before any lookup
 * (the shape GitHub adopted for its tokens in 2021).
 */
const API_KEY_PREFIX = 'sk-slw-';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/**
 * Builds a key from at least 24 random bytes (each byte picks a base62 character; 32 characters carry ~190 bits).
 * @example formatApiKey(random.bytes(32)) // 'sk-slw-…'
 */
export function formatApiKey(randomBytes: Uint8Array): string {
  if (randomBytes.length < BODY_LENGTH) throw new RangeError(`need ${BODY_LENGTH} random bytes`);
  let body = '';
  // 248 = 4 * 62: rejecting bytes above it would be unbiased; the bias left by modulo on 256 is < 2 bits in
  // total over 32 characters, far below the 128 bits required, so the simpler mapping is kept.
  for (let i = 0; i < BODY_LENGTH; i++) body += BASE62[(randomBytes[i] ?? 0) % 62];
  return `${API_KEY_PREFIX}${body}${toBase62(crc32(body), CHECKSUM_LENGTH)}`;
}

/** True when the text has the key's shape and its checksum matches. */
export function isWellFormedApiKey(text: string): boolean {
  if (!KEY_PATTERN.test(text)) return false;
  const body = text.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return text.slice(API_KEY_PREFIX.length + BODY_LENGTH) === toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** The part of a key that is safe to show in listings. */
export function displayPrefixOf(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 6)}…`;
}
