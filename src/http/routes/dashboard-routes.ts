import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Paths that belong to the APIs: an unknown path under them answers JSON `not_found`, never the dashboard. */
const API_PREFIXES = ['/api', '/v1', '/metrics', '/healthz', '/readyz'];

/**
 * Headers of every dashboard response. The CSP allows only same-origin scripts (Vite emits no inline script),
 * and framing is refused twice over because older browsers honour only X-Frame-Options.
 */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
});

const NOT_BUILT_MESSAGE = [
  'The Slipway dashboard is not built.',
  '',
  'Build it from the Slipway directory with `npm run build` (`npm ci` builds it too), then restart `slipway start`.',
  'The APIs are available meanwhile under /v1 and /api.',
  '',
].join('\n');

function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

export interface DashboardRoutesOptions {
  /** The built dashboard (`dist/web`); null or a directory without index.html serves build instructions. */
  dashboardDir: string | null;
}

/**
 * Serves the dashboard single-page app: `/assets/*` (content-hashed, cached for a year), and index.html at `/`
 * and at any other GET that asks for HTML (client-side routes), never cached so a new build is picked up.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: DashboardRoutesOptions): void {
  const dir = options.dashboardDir;
  const built = dir !== null && existsSync(join(dir, 'index.html'));

  if (built) {
    void app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      decorateReply: false,
      maxAge: '365d',
      immutable: true,
      setHeaders: (reply) => {
        reply.headers(DASHBOARD_SECURITY_HEADERS);
      },
    });
  }

  const serveIndex = async (reply: FastifyReply) => {
    reply.headers(DASHBOARD_SECURITY_HEADERS);
    if (!built) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };

  app.get('/', async (_request, reply) => serveIndex(reply));

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // The same JSON not_found as any unknown endpoint, so API clients never receive the HTML page.
    if (isApiPath(path) || !acceptsHtml(request)) return reply.callNotFound();
    return serveIndex(reply);
  });
}
