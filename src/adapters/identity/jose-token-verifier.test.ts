import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../core/access/classification-levels.js';
import type { TokenVerifier } from '../../ports/token-verifier.js';
import { createJoseTokenVerifier, type JoseTokenVerifierOptions } from './jose-token-verifier.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'slipway';
const CLAIMS = { subject: 'sub', groups: 'groups', roles: 'realm_access.roles', clearance: 'clearance' };

let rsa: { privateKey: CryptoKey; publicJwk: JWK };
let ec: { privateKey: CryptoKey; publicJwk: JWK };
let stranger: CryptoKey;
let server: Server;
let jwksUrl: string;
let jwksRequests = 0;

async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

beforeAll(async () => {
  rsa = await keyPair('RS256', 'rsa-1');
  ec = await keyPair('ES256', 'ec-1');
  stranger = (await generateKeyPair('RS256')).privateKey;
  server = createServer((_request, response) => {
    jwksRequests += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface TokenOptions {
  key?: CryptoKey;
  alg?: string;
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  notBefore?: string | number;
  claims?: Record<string, unknown>;
}

async function tokenOf(options: TokenOptions = {}): Promise<string> {
  const alg = options.alg ?? 'RS256';
  let jwt = new SignJWT({
    groups: ['finance', 'audit'],
    realm_access: { roles: ['analyst'] },
    clearance: 'confidential',
    ...options.claims,
  })
    .setProtectedHeader({ alg, kid: options.kid ?? (alg === 'ES256' ? 'ec-1' : 'rsa-1') })
    .setSubject('u-42')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
  return jwt.sign(options.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey));
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function verifierOf(overrides: Partial<JoseTokenVerifierOptions> = {}): TokenVerifier {
  return createJoseTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl,
    jwks: null,
    algorithms: ['RS256', 'ES256'],
    clockToleranceSec: 0,
    claims: CLAIMS,
    levels: DEFAULT_CLASSIFICATION_LEVELS,
    ...overrides,
  });
}

const ways = [
  ['a JWKS served on loopback', () => verifierOf()],
  ['an inline JWKS', () => verifierOf({ jwksUrl: null, jwks: { keys: [rsa.publicJwk, ec.publicJwk] } })],
] as const;

describe.each(ways)('jose token verifier with %s', (_name, makeVerifier) => {
  it('accepts RS256 and ES256 tokens and maps sub, groups, nested roles and clearance', async () => {
    const verifier = makeVerifier();
    const expected = {
      kind: 'end_user',
      userId: 'u-42',
      groups: ['audit', 'finance'],
      roles: ['analyst'],
      clearance: 'confidential',
    };
    await expect(verifier.verifyEndUserToken(await tokenOf())).resolves.toEqual(expected);
    await expect(verifier.verifyEndUserToken(await tokenOf({ alg: 'ES256' }))).resolves.toEqual(expected);
  });

  it.each([
    ['an expired token', { expiresIn: Math.floor(Date.now() / 1000) - 60 }, /expired/],
    ['a token not valid yet', { notBefore: Math.floor(Date.now() / 1000) + 600 }, /not valid yet/],
    ['a wrong issuer', { issuer: 'https://evil.example.com/' }, /wrong issuer/],
    ['a wrong audience', { audience: 'someone-else' }, /wrong audience/],
    ['an unknown key id', { kid: 'rotated-away' }, /unknown key id/],
    [
      'a clearance that is not a level',
      { claims: { clearance: 'top-secret' } },
      /not one of the classification levels/,
    ],
    ['groups that are not strings', { claims: { groups: [1, 2] } }, /list of at most/],
  ] as const)('refuses %s as unauthorized, saying why', async (_case, options, reason) => {
    const error = await makeVerifier()
      .verifyEndUserToken(await tokenOf(options as TokenOptions))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'unauthorized' });
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses a bad signature: a key the set does not hold, under a known key id', async () => {
    const token = await tokenOf({ key: stranger });
    await expect(makeVerifier().verifyEndUserToken(token)).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/bad signature/) as unknown,
    });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await tokenOf()).split('.');
    const forged = `${header}.${base64url({ sub: 'admin', iss: ISSUER, aud: AUDIENCE, exp: 9e9, clearance: 'restricted' })}.${signature}`;
    await expect(makeVerifier().verifyEndUserToken(forged)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses alg "none"', async () => {
    const payload = { sub: 'u-42', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    await expect(makeVerifier().verifyEndUserToken(unsigned)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setSubject('u-42')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(secret);
    await expect(makeVerifier().verifyEndUserToken(token)).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/algorithm not allowed/) as unknown,
    });
  });

  it('refuses a token without an expiry, and never echoes the token', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setSubject('u-42')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(rsa.privateKey);
    const error = (await makeVerifier()
      .verifyEndUserToken(token)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'unauthorized' });
    expect(error.message).not.toContain(token.slice(0, 20));
  });
});

describe('jose token verifier with a remote JWKS', () => {
  it('fetches the key set once and reuses it', async () => {
    const verifier = verifierOf();
    const before = jwksRequests;
    for (let index = 0; index < 3; index += 1) await verifier.verifyEndUserToken(await tokenOf());
    expect(jwksRequests - before).toBe(1);
  });

  it('reports an unreachable key set as upstream_unavailable, not as a bad token', async () => {
    const verifier = verifierOf({ jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    await expect(verifier.verifyEndUserToken(await tokenOf())).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
  });
});
