import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import { parseAuditQuery, parseCreateUserBody, parseUpdateUserBody } from '../people-schemas.js';
import { auditActorOf, type RequireActor } from '../request-actor.js';

/** People and the audit log: `/api/users` (read to list, manage to change) and `/api/audit` (manage). */
export function registerUserRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  app.get('/api/users', async (request) => {
    await requireActor(request, 'read');
    return { data: await deps.people.users.listUsers() };
  });

  app.post('/api/users', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    const body = parseCreateUserBody(request.body);
    return reply.code(201).send(await deps.people.users.createUser(body, auditActorOf(actor)));
  });

  app.patch<{ Params: { id: string } }>('/api/users/:id', async (request) => {
    const actor = await requireActor(request, 'manage');
    const body = parseUpdateUserBody(request.body);
    return deps.people.users.updateUser(
      request.params.id,
      {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
        ...(body.password === undefined ? {} : { password: body.password }),
      },
      auditActorOf(actor),
    );
  });

  app.get('/api/audit', async (request) => {
    await requireActor(request, 'manage');
    const page = await deps.people.auditLog.listAuditEvents(parseAuditQuery(request.query));
    return { data: page.items, next_cursor: page.nextCursor };
  });

  app.get('/api/audit/verify', async (request) => {
    await requireActor(request, 'manage');
    return deps.people.auditLog.verifyAuditChain();
  });
}
