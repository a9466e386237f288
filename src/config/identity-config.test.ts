import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';

const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };
const jwt = { issuer: 'https://idp.example.com/', audience: 'slipway', jwks: { keys: [jwk] } };

function issuesOf(identity: unknown): string[] {
  const result = configSchema.safeParse({ identity });
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('identity configuration', () => {
  it('has no end-user token verification unless configured, and fills in the defaults when it is', () => {
    expect(configSchema.parse({}).identity).toEqual({ jwt: null });
    expect(configSchema.parse({ identity: { jwt } }).identity.jwt).toEqual({
      ...jwt,
      jwksUrl: null,
      algorithms: ['RS256', 'ES256'],
      clockToleranceSec: 30,
      claims: { subject: 'sub', groups: 'groups', roles: 'roles', clearance: 'clearance' },
    });
  });

  it.each([
    ['HS256', { ...jwt, algorithms: ['HS256'] }, /HS\* and "none" are never accepted/],
    ['none', { ...jwt, algorithms: ['none'] }, /HS\* and "none" are never accepted/],
    ['a symmetric key', { ...jwt, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /symmetric "oct" keys/],
    [
      'both key sources',
      { ...jwt, jwksUrl: 'https://idp.example.com/jwks' },
      /exactly one of jwksUrl and jwks/,
    ],
    ['no key source', { issuer: 'i', audience: 'a' }, /exactly one of jwksUrl and jwks/],
    ['a non-HTTP key set URL', { issuer: 'i', audience: 'a', jwksUrl: 'file:///etc/keys' }, /jwksUrl/],
    ['an unknown key', { ...jwt, algorithm: 'RS256' }, /unknown key "algorithm"/],
  ])('refuses %s', (_case, value, message) => {
    expect(issuesOf({ jwt: value }).join('\n')).toMatch(message);
  });
});
