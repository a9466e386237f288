import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import { parseDeadLettersQuery, parseRedriveBody } from '../queue-schemas.js';
import { auditActorOf, type RequireActor } from '../request-actor.js';

/** The job queue: `GET /api/queue` and its dead letters (read), `POST /api/queue/redrive` (manage, audited). */
export function registerQueueRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  app.get('/api/queue', async (request) => {
    await requireActor(request, 'read');
    return deps.queueOperations.status();
  });

  app.get('/api/queue/dead-letters', async (request) => {
    await requireActor(request, 'read');
    return { data: await deps.queueOperations.listDeadLetters(parseDeadLettersQuery(request.query)) };
  });

  app.post('/api/queue/redrive', async (request) => {
    const actor = await requireActor(request, 'manage');
    const query = parseRedriveBody(request.body);
    return { redriven: await deps.queueOperations.redrive(query, auditActorOf(actor)) };
  });
}
