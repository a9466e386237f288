import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiGet, apiPost, apiRequest, setCsrfToken, withQuery } from './client.js';

interface Call {
  url: string;
  init: RequestInit;
}

function answer(status: number, body: unknown) {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

describe('the dashboard API client', () => {
  const assign = vi.fn();

  beforeEach(() => {
    assign.mockReset();
    vi.stubGlobal('window', { location: { pathname: '/keys', search: '?a=1', assign } });
    setCsrfToken(null);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('drops empty query values', () => {
    expect(withQuery('/api/x', { a: 'b', c: '', d: undefined, e: null, f: 0, g: false })).toBe(
      '/api/x?a=b&f=0&g=false',
    );
    expect(withQuery('/api/x', {})).toBe('/api/x');
  });

  it('sends the CSRF token on unsafe methods only, with the cookie, as JSON', async () => {
    const calls = answer(200, { ok: true });
    setCsrfToken('token-1');
    await apiGet('/api/keys', { project: 'p' });
    await apiPost('/api/keys', { name: 'k' });
    const [get, post] = calls;
    expect(get?.url).toBe('/api/keys?project=p');
    expect(get?.init.credentials).toBe('include');
    expect((get?.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect((post?.init.headers as Record<string, string>)['x-csrf-token']).toBe('token-1');
    expect((post?.init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(post?.init.body).toBe('{"name":"k"}');
  });

  it('throws an ApiError parsed from the OpenAI error shape', async () => {
    answer(400, {
      error: {
        message: 'Bad limit',
        type: 'invalid_request_error',
        param: 'limits',
        code: 'invalid_request',
      },
    });
    const error = await apiPost('/api/keys', {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'Bad limit',
      param: 'limits',
    });
  });

  it('falls back to the status when the error body is not the OpenAI shape', async () => {
    answer(502, 'upstream html');
    const error = await apiGet('/api/keys').catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 502, code: 'http_502', param: null });
  });

  it('sends the user to /login on a 401, keeping the page to return to', async () => {
    answer(401, {
      error: { message: 'Sign in', type: 'authentication_error', param: null, code: 'unauthorized' },
    });
    await expect(apiGet('/api/keys')).rejects.toBeInstanceOf(ApiError);
    expect(assign).toHaveBeenCalledWith('/login?next=%2Fkeys%3Fa%3D1');
  });

  it('leaves a 401 to the caller when asked to, or when a bearer key was sent', async () => {
    answer(401, {
      error: { message: 'Sign in', type: 'authentication_error', param: null, code: 'unauthorized' },
    });
    await expect(apiRequest('/api/auth/session', { allowUnauthorized: true })).rejects.toMatchObject({
      status: 401,
    });
    await expect(apiRequest('/api/users', { method: 'POST', bearer: 'sk', body: {} })).rejects.toMatchObject({
      status: 401,
    });
    expect(assign).not.toHaveBeenCalled();
  });

  it('reports an unreachable server as a network_error', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(apiGet('/api/keys')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
