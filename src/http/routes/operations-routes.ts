import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';

/** Liveness, readiness and Prometheus metrics: unauthenticated, for orchestrators and scrapers. */
export function registerOperationsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const readiness = await deps.readiness();
    return reply
      .code(readiness.ok ? 200 : 503)
      .send({ status: readiness.ok ? 'ready' : 'not_ready', ...readiness });
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
}
