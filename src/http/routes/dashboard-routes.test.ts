import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_SECURITY_HEADERS, registerDashboardRoutes } from './dashboard-routes.js';

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script></head></html>';

/** The routes alone, behind the same kind of JSON not-found handler as the real app. */
function appServing(dashboardDir: string | null): FastifyInstance {
  const app = Fastify();
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `Unknown endpoint: ${request.url}` } }),
  );
  registerDashboardRoutes(app, { dashboardDir });
  return app;
}

describe('dashboard routes with a built dashboard', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("dashboard");');
    app = appServing(dir);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / uncached, with the security headers', async () => {
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX_HTML);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['cache-control']).toBe('no-cache');
    for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) {
      expect(response.headers[name]).toBe(value);
    }
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves hashed assets cached for a year as immutable', async () => {
    const response = await app.inject({ url: '/assets/app-1a2b.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a missing asset with the JSON not_found, not the page', async () => {
    const response = await app.inject({ url: '/assets/gone-0000.js', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('serves index.html for client-side routes asked for as HTML', async () => {
    for (const url of ['/keys', '/interactions/int_123', '/people?x=1']) {
      const response = await app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(INDEX_HTML);
    }
  });

  it('answers non-HTML requests and other methods for unknown paths with the JSON not_found', async () => {
    const json = await app.inject({ url: '/keys', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: '/keys', headers: { accept: 'text/html' } });
    expect(post.statusCode).toBe(404);
  });

  it('never answers an API path with the page, whatever follows the prefix', async () => {
    const prefixes = fc.constantFrom('/api', '/v1', '/metrics', '/healthz', '/readyz');
    // A `..` segment leaves the prefix (`/api/..` is `/`, and URL parsing resolves it so), so it is not "under" it.
    const rest = fc
      .stringMatching(/^(\/[a-zA-Z0-9._~-]{0,12}){0,3}$/)
      .filter((suffix) => !suffix.split('/').includes('..'));
    await fc.assert(
      fc.asyncProperty(prefixes, rest, async (prefix, suffix) => {
        const response = await app.inject({ url: `${prefix}${suffix}`, headers: { accept: 'text/html' } });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
      }),
      { numRuns: 60 },
    );
  });
});

describe('dashboard routes without a build', () => {
  it('explains how to build the dashboard instead of failing', async () => {
    for (const dir of [null, join(tmpdir(), 'slipway-no-such-dashboard')]) {
      const app = appServing(dir);
      const root = await app.inject({ url: '/' });
      expect(root.statusCode).toBe(503);
      expect(root.body).toContain('npm run build');
      expect(root.headers['x-frame-options']).toBe('DENY');
      const route = await app.inject({ url: '/keys', headers: { accept: 'text/html' } });
      expect(route.body).toContain('npm run build');
      const api = await app.inject({ url: '/api/nothing', headers: { accept: 'text/html' } });
      expect(api.statusCode).toBe(404);
      await app.close();
    }
  });
});
