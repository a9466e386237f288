import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import type { Caller } from '../../core/identity.js';
import { type Permission, authorize } from '../../services/authenticate-caller.js';
import { parseCreateKeyBody, parseCreateProjectBody, parseInteractionQuery } from '../admin-schemas.js';
import { bearerTokenOf } from '../bearer-token.js';
import type { HttpDeps } from '../http-deps.js';

/** The JSON admin API under `/api`. Every route checks the caller's role; non-admins see only their project. */
export function registerAdminRoutes(app: FastifyInstance, deps: HttpDeps): void {
  async function callerFor(request: FastifyRequest, permission: Permission): Promise<Caller> {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, permission);
    return caller;
  }

  app.get('/api/whoami', async (request) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    return { keyId: caller.keyId, projectId: caller.projectId, role: caller.role };
  });

  app.get('/api/projects', async (request) => {
    const caller = await callerFor(request, 'read');
    const projects = await deps.keys.listProjects();
    return { data: caller.role === 'admin' ? projects : projects.filter((p) => p.id === caller.projectId) };
  });

  app.post('/api/projects', async (request, reply) => {
    await callerFor(request, 'manage');
    const { name } = parseCreateProjectBody(request.body);
    return reply.code(201).send(await deps.keys.createProject(name));
  });

  app.get<{ Querystring: { project?: string } }>('/api/keys', async (request) => {
    const caller = await callerFor(request, 'read');
    const project = caller.role === 'admin' ? request.query.project : caller.projectId;
    return { data: await deps.keys.listApiKeys(project) };
  });

  app.post('/api/keys', async (request, reply) => {
    await callerFor(request, 'manage');
    const body = parseCreateKeyBody(request.body);
    const created = await deps.keys.createApiKey({
      name: body.name,
      role: body.role,
      ...(body.project === undefined ? {} : { project: body.project }),
      ...(body.expiresInDays === undefined ? {} : { expiresInDays: body.expiresInDays }),
      ...(body.allowedModels === undefined ? {} : { allowedModels: body.allowedModels }),
      ...(body.limits === undefined ? {} : { limits: body.limits }),
    });
    return reply.code(201).send(created);
  });

  app.delete<{ Params: { id: string } }>('/api/keys/:id', async (request) => {
    await callerFor(request, 'manage');
    const revoked = await deps.keys.revokeApiKey(request.params.id);
    deps.forgetCachedKeys();
    return revoked;
  });

  app.get('/api/routes', async (request) => {
    await callerFor(request, 'read');
    return { data: deps.routesStatus() };
  });

  app.get('/api/interactions', async (request) => {
    const caller = await callerFor(request, 'read');
    const query = parseInteractionQuery(request.query);
    if (caller.role !== 'admin') query.projectId = caller.projectId;
    const page = await deps.interactions.listInteractions(query);
    return { data: page.items, next_cursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/interactions/:id', async (request) => {
    const caller = await callerFor(request, 'read');
    const interaction = await deps.interactions.getInteraction(request.params.id);
    // Another project's interaction answers like a missing one, so ids cannot be probed across projects.
    if (!interaction || (caller.role !== 'admin' && interaction.projectId !== caller.projectId)) {
      throw new SlipwayError('not_found', `No interaction with id "${request.params.id}"`, { param: 'id' });
    }
    return interaction;
  });
}
