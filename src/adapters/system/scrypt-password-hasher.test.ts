import { describe, expect, it } from 'vitest';
import { createScryptPasswordHasher } from './scrypt-password-hasher.js';

// A low cost keeps most cases fast; one case checks the default cost.
const fast = createScryptPasswordHasher({ cost: { logN: 10, r: 8, p: 1 } });

describe('scrypt password hasher', () => {
  it('hashes with the default cost (2^15, 8, 1), a 16-byte salt, in PHC format, and verifies', async () => {
    const hasher = createScryptPasswordHasher();
    const encoded = await hasher.hash('correct horse battery staple');
    const [, algorithm, parameters, salt] = encoded.split('$');
    expect(algorithm).toBe('scrypt');
    expect(parameters).toBe('ln=15,r=8,p=1');
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    await expect(hasher.verify('correct horse battery staple', encoded)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', encoded)).resolves.toBe(false);
    expect(hasher.needsRehash(encoded)).toBe(false);
  });

  it('salts each hash afresh', async () => {
    const first = await fast.hash('same password here');
    const second = await fast.hash('same password here');
    expect(first).not.toBe(second);
    await expect(fast.verify('same password here', second)).resolves.toBe(true);
  });

  it('verifies a hash made with other parameters, and asks for a rehash when they are weaker', async () => {
    const weak = await fast.hash('a long enough password');
    const strong = createScryptPasswordHasher({ cost: { logN: 11, r: 8, p: 1 } });
    await expect(strong.verify('a long enough password', weak)).resolves.toBe(true);
    expect(strong.needsRehash(weak)).toBe(true);
    expect(fast.needsRehash(weak)).toBe(false);
  });

  it('treats a missing account or an unparseable hash as a failed verification, never a throw', async () => {
    await expect(fast.verify('anything at all', null)).resolves.toBe(false);
    for (const broken of ['', 'plain', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA', '$argon2id$v=19$m=1$a$b']) {
      await expect(fast.verify('anything at all', broken)).resolves.toBe(false);
      expect(fast.needsRehash(broken)).toBe(true);
    }
  });

  it('normalises Unicode, so that the same password typed differently verifies', async () => {
    const composed = await fast.hash('caf\u00e9 au lait, s\u2019il vous pla\u00eet');
    await expect(fast.verify('cafe\u0301 au lait, s\u2019il vous pla\u00eet', composed)).resolves.toBe(true);
  });
});
