import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../core/errors.js';
import type { Role } from '../../core/identity.js';
import type { PromptTestRun, PromptVersion } from '../../core/prompt.js';
import { makeExpandPromptReference } from '../../services/expand-prompt-reference.js';
import type { HttpDeps } from '../http-deps.js';
import { toOpenAiError } from '../openai-error.js';
import type { PromptApi } from '../prompt-api.js';
import type { RequireActor } from '../request-actor.js';
import { registerPromptRoutes } from './prompt-routes.js';

const VERSION: PromptVersion = {
  name: 'support/triage',
  version: 2,
  contentHash: `sha256:${'a'.repeat(64)}`,
  definition: {
    name: 'support/triage',
    description: null,
    model: 'offline-extractive',
    parameters: { temperature: 0 },
    messages: [{ role: 'user', content: '{{question}}' }],
    variables: { type: 'object' },
    tests: [],
  },
  source: { path: 'support/triage.prompt.yaml', gitCommit: null, gitAuthor: null, gitMessage: null },
  createdAt: 1,
  createdBy: 'api_key:k1',
};

const FAILED_RUN: PromptTestRun = {
  id: 'ptr_1',
  name: 'support/triage',
  version: 2,
  model: 'offline-extractive',
  startedAt: 1,
  finishedAt: 2,
  passed: false,
  actor: 'api_key:developer-key',
  cases: [],
};

const calls: Array<{ method: string; args: unknown[] }> = [];

function notFound(): never {
  throw new SlipwayError('not_found', 'No such prompt');
}

/** A prompt API that knows one version (labels `latest` and `production`) and records what it is asked. */
const prompts: PromptApi = {
  push: (files) => {
    calls.push({ method: 'push', args: [files] });
    return Promise.resolve([]);
  },
  list: () =>
    Promise.resolve([{ name: VERSION.name, latestVersion: 2, labels: { latest: 2 }, updatedAt: 1 }]),
  getVersion: (name, selector) => {
    calls.push({ method: 'getVersion', args: [name, selector] });
    const known =
      'version' in selector ? selector.version === 2 : ['latest', 'production'].includes(selector.label);
    return name === VERSION.name && known
      ? Promise.resolve({ ...VERSION, labels: ['latest', 'production'] })
      : Promise.reject(new SlipwayError('not_found', 'No such version'));
  },
  listVersions: () => Promise.resolve([]),
  diff: (name, from, to) => Promise.resolve({ name, from: Number(from), to: Number(to), diff: '' }),
  test: () => notFound(),
  listTestRuns: () => Promise.resolve([]),
  getTestRun: () => notFound(),
  promote: (_name, request) =>
    Promise.resolve({
      status: 'refused',
      message: `v${request.version} fails its tests`,
      testRun: FAILED_RUN,
    }),
  rollback: () => notFound(),
  listLabelMoves: (name, label) => {
    calls.push({ method: 'listLabelMoves', args: [name, label] });
    return Promise.resolve([]);
  },
  expandReference: makeExpandPromptReference({
    resolve: (name, selector) =>
      prompts.getVersion(name, selector).catch(() => {
        throw new SlipwayError('not_found', 'No such prompt');
      }),
    render: (_definition, variables) => [{ role: 'user', content: String(variables.question) }],
  }),
};

/** Bearer tokens are role names here: `Bearer viewer` is a viewer. */
const requireActor: RequireActor = (request, permission) => {
  const role = (request.headers.authorization ?? '').replace('Bearer ', '') as Role;
  if (permission === 'read' && role === 'app') return Promise.reject(new SlipwayError('forbidden', 'no'));
  return Promise.resolve({ kind: 'api_key', id: `${role}-key`, role, projectScope: null, label: role });
};

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toOpenAiError(error);
    return reply.code(status).send(body);
  });
  const deps = { prompts, authenticate: () => Promise.resolve({}) } as unknown as HttpDeps;
  registerPromptRoutes(app, deps, requireActor);
  await app.ready();
});
afterAll(() => app.close());

describe('GET /v1/prompts/{name}', () => {
  it('serves a name with slashes, plain or URL-encoded, with a strong ETag; labels must be revalidated', async () => {
    for (const url of ['/v1/prompts/support/triage', '/v1/prompts/support%2Ftriage?label=production']) {
      const response = await app.inject({ url });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers.etag).toBe(`"${VERSION.contentHash}"`);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.json()).toMatchObject({
        name: 'support/triage',
        version: 2,
        labels: ['latest', 'production'],
      });
      expect(response.json()).not.toHaveProperty('createdBy');
    }
  });

  it('answers 304 to a matching If-None-Match, and marks numbered versions immutable', async () => {
    const response = await app.inject({
      url: '/v1/prompts/support/triage?version=2',
      headers: { 'if-none-match': `W/"x", "${VERSION.contentHash}"` },
    });
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('refuses a label and a version together, and a version that is not a number', async () => {
    const both = await app.inject({ url: '/v1/prompts/support/triage?version=2&label=production' });
    expect(both.statusCode).toBe(400);
    const word = await app.inject({ url: '/v1/prompts/support/triage?version=two' });
    expect(word.json()).toMatchObject({ error: { code: 'invalid_request', param: 'version' } });
  });
});

describe('/api/prompts', () => {
  it('reads the name from the end of the path', async () => {
    const response = await app.inject({
      url: '/api/prompts/support/triage/label-moves?label=production',
      headers: { authorization: 'Bearer viewer' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(calls.at(-1)).toEqual({ method: 'listLabelMoves', args: ['support/triage', 'production'] });
  });

  it('lets viewers read but not push, test or move labels', async () => {
    const read = await app.inject({ url: '/api/prompts', headers: { authorization: 'Bearer viewer' } });
    expect(read.statusCode).toBe(200);
    const push = await app.inject({
      method: 'POST',
      url: '/api/prompts/push',
      headers: { authorization: 'Bearer viewer' },
      payload: { files: [] },
    });
    expect(push.statusCode).toBe(403);
    const promote = await app.inject({
      method: 'POST',
      url: '/api/prompts/support/triage/promote',
      headers: { authorization: 'Bearer viewer' },
      payload: { version: 2, label: 'staging' },
    });
    expect(promote.statusCode).toBe(403);
  });

  it('answers a refused promotion with 409 in the OpenAI error shape, plus the test run', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/prompts/support/triage/promote',
      headers: { authorization: 'Bearer developer' },
      payload: { version: 2, label: 'production' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: {
        message: 'v2 fails its tests',
        type: 'invalid_request_error',
        param: 'version',
        code: 'conflict',
      },
      testRun: FAILED_RUN,
    });
  });

  it('requires a non-empty reason for an override', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/prompts/support/triage/promote',
      headers: { authorization: 'Bearer admin' },
      payload: { version: 2, label: 'production', override: { reason: '  ' } },
    });
    expect(response.json()).toMatchObject({ error: { code: 'invalid_request', param: 'override.reason' } });
  });

  it('answers 404 for a POST to a path that is no action', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/prompts/support/triage/versions',
      headers: { authorization: 'Bearer admin' },
      payload: {},
    });
    expect(response.statusCode).toBe(404);
  });
});
