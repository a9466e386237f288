import { describe, expect, it } from 'vitest';
import type { EndUserPrincipal } from '../core/access/principal.js';
import type { EndUser } from '../core/end-user.js';
import { SlipwayError } from '../core/errors.js';
import type { TokenVerifier } from '../ports/token-verifier.js';
import { makeResolvePrincipal } from './resolve-principal.js';

const ada: EndUser = {
  id: 'u-ada',
  name: 'Ada',
  groups: ['finance'],
  roles: ['analyst'],
  clearance: 'confidential',
  disabled: false,
  createdAt: 0,
  updatedAt: 0,
};
const directory = {
  getEndUser: (id: string) =>
    Promise.resolve(id === ada.id ? ada : id === 'u-gone' ? { ...ada, id, disabled: true } : null),
};
const fromToken: EndUserPrincipal = {
  kind: 'end_user',
  userId: 'u-jwt',
  groups: ['hr'],
  roles: [],
  clearance: null,
};

/** Accepts only the token "good"; records what it was asked. */
function recordingVerifier(): TokenVerifier & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    verifyEndUserToken(token) {
      seen.push(token);
      return token === 'good'
        ? Promise.resolve(fromToken)
        : Promise.reject(new SlipwayError('unauthorized', 'End-user token refused: bad signature.'));
    },
  };
}

const trusted = { keyId: 'key_1', actAsEndUser: true };
const untrusted = { keyId: 'key_2' };

describe('resolve principal', () => {
  it('takes a verified end-user token over a named end user', async () => {
    const verifier = recordingVerifier();
    const resolve = makeResolvePrincipal({ verifier, directory });
    await expect(resolve({ caller: trusted, endUserToken: 'good', namedEndUser: 'u-ada' })).resolves.toEqual({
      principal: fromToken,
      source: 'token',
      untrustedEndUser: null,
    });
    expect(verifier.seen).toEqual(['good']);
  });

  it('refuses a token that does not verify, whatever else the request says', async () => {
    const resolve = makeResolvePrincipal({ verifier: recordingVerifier(), directory });
    await expect(
      resolve({ caller: trusted, endUserToken: 'forged', namedEndUser: 'u-ada' }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses a token when no verifier is configured, rather than ignoring it', async () => {
    const resolve = makeResolvePrincipal({ verifier: null, directory });
    await expect(
      resolve({ caller: untrusted, endUserToken: 'good', namedEndUser: null }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/identity\.jwt/) as unknown,
    });
  });

  it('gives a key allowed to act as end users the named user from the directory', async () => {
    const resolve = makeResolvePrincipal({ verifier: null, directory });
    await expect(resolve({ caller: trusted, endUserToken: null, namedEndUser: 'u-ada' })).resolves.toEqual({
      principal: {
        kind: 'end_user',
        userId: 'u-ada',
        groups: ['finance'],
        roles: ['analyst'],
        clearance: 'confidential',
      },
      source: 'directory',
      untrustedEndUser: null,
    });
  });

  it.each([
    ['unknown', 'u-nobody', /Unknown end user/],
    ['disabled', 'u-gone', /disabled/],
  ])('refuses an %s end user named by an allowed key (fail closed)', async (_case, name, message) => {
    const resolve = makeResolvePrincipal({ verifier: null, directory });
    await expect(resolve({ caller: trusted, endUserToken: null, namedEndUser: name })).rejects.toMatchObject({
      code: 'forbidden',
      param: 'user',
      message: expect.stringMatching(message) as unknown,
    });
  });

  it('does not believe a key without the permission: anonymous, with the name reported as untrusted', async () => {
    const resolve = makeResolvePrincipal({ verifier: null, directory });
    await expect(resolve({ caller: untrusted, endUserToken: null, namedEndUser: 'u-ada' })).resolves.toEqual({
      principal: { kind: 'anonymous' },
      source: 'anonymous',
      untrustedEndUser: 'u-ada',
    });
  });

  it.each([null, ''])('runs a request that names nobody (%j) anonymous', async (name) => {
    const resolve = makeResolvePrincipal({ verifier: recordingVerifier(), directory });
    await expect(resolve({ caller: trusted, endUserToken: null, namedEndUser: name })).resolves.toEqual({
      principal: { kind: 'anonymous' },
      source: 'anonymous',
      untrustedEndUser: null,
    });
  });
});
