import type { FastifyInstance } from 'fastify';
import { bearerTokenOf } from '../bearer-token.js';
import { principalFactsOf } from '../end-user-headers.js';
import type { HttpDeps } from '../http-deps.js';
import { parseGroupBody, parsePrincipalListQuery, parsePrincipalSyncBody } from '../principal-schemas.js';
import { auditActorOf, type RequireActor } from '../request-actor.js';

/**
 * The end-user directory: `/api/principals` (read to list, manage to change), `/api/principal-groups`, and
 * `GET /api/principal`, which tells any key who its request would run for (the `user` query parameter stands
 * in for OpenAI's `user` field).
 */
export function registerPrincipalRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  requireActor: RequireActor,
): void {
  const { endUsers, resolvePrincipal } = deps.principals;

  app.get<{ Querystring: { user?: string } }>('/api/principal', async (request) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    const resolved = await resolvePrincipal(principalFactsOf(caller, request.headers, request.query.user));
    return {
      principal: resolved.principal,
      source: resolved.source,
      untrusted_end_user: resolved.untrustedEndUser,
    };
  });

  app.get('/api/principals', async (request) => {
    await requireActor(request, 'read');
    const page = await endUsers.listEndUsers(parsePrincipalListQuery(request.query));
    return { data: page.items, next_after: page.nextAfter };
  });

  app.post('/api/principals/sync', async (request) => {
    const actor = await requireActor(request, 'manage');
    const body = parsePrincipalSyncBody(request.body);
    const file =
      body.csv !== undefined
        ? { format: 'csv' as const, text: body.csv }
        : { format: 'json' as const, users: body.users ?? [] };
    return endUsers.syncEndUsers(file, { prune: body.prune, dryRun: body.dryRun }, auditActorOf(actor));
  });

  app.get<{ Params: { id: string } }>('/api/principals/:id', async (request) => {
    await requireActor(request, 'read');
    return endUsers.getEndUser(request.params.id);
  });

  app.put<{ Params: { id: string } }>('/api/principals/:id', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    const body = request.body !== null && typeof request.body === 'object' ? request.body : {};
    const { user, created } = await endUsers.putEndUser(
      { ...body, id: request.params.id },
      auditActorOf(actor),
    );
    return reply.code(created ? 201 : 200).send(user);
  });

  app.delete<{ Params: { id: string } }>('/api/principals/:id', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    await endUsers.deleteEndUser(request.params.id, auditActorOf(actor));
    return reply.code(204).send();
  });

  app.get('/api/principal-groups', async (request) => {
    await requireActor(request, 'read');
    return { data: await endUsers.listGroups() };
  });

  app.put<{ Params: { name: string } }>('/api/principal-groups/:name', async (request) => {
    const actor = await requireActor(request, 'manage');
    const body = parseGroupBody(request.body);
    return endUsers.putGroup(
      { name: request.params.name, description: body.description },
      auditActorOf(actor),
    );
  });

  app.delete<{ Params: { name: string } }>('/api/principal-groups/:name', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    await endUsers.deleteGroup(request.params.name, auditActorOf(actor));
    return reply.code(204).send();
  });
}
