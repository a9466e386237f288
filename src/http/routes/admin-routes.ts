import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import { parseCreateKeyBody, parseCreateProjectBody, parseInteractionQuery } from '../admin-schemas.js';
import type { HttpDeps } from '../http-deps.js';
import { auditActorOf, type RequireActor, scopedProject } from '../request-actor.js';

/** The JSON admin API under `/api`. Every route checks the caller's role; non-admins see only their project. */
export function registerAdminRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  app.get('/api/whoami', async (request) => {
    const actor = await requireActor(request, 'any');
    return { kind: actor.kind, id: actor.id, role: actor.role, projectScope: actor.projectScope };
  });

  app.get('/api/projects', async (request) => {
    const actor = await requireActor(request, 'read');
    const projects = await deps.keys.listProjects();
    const scope = actor.projectScope;
    return { data: scope === null ? projects : projects.filter((project) => project.id === scope) };
  });

  app.post('/api/projects', async (request, reply) => {
    await requireActor(request, 'manage');
    const { name } = parseCreateProjectBody(request.body);
    return reply.code(201).send(await deps.keys.createProject(name));
  });

  app.get<{ Querystring: { project?: string } }>('/api/keys', async (request) => {
    const actor = await requireActor(request, 'read');
    return { data: await deps.keys.listApiKeys(scopedProject(actor, request.query.project)) };
  });

  app.post('/api/keys', async (request, reply) => {
    const actor = await requireActor(request, 'manage');
    const body = parseCreateKeyBody(request.body);
    const created = await deps.keys.createApiKey({
      name: body.name,
      role: body.role,
      ...(body.project === undefined ? {} : { project: body.project }),
      ...(body.expiresInDays === undefined ? {} : { expiresInDays: body.expiresInDays }),
      ...(body.allowedModels === undefined ? {} : { allowedModels: body.allowedModels }),
      ...(body.limits === undefined ? {} : { limits: body.limits }),
      ...(body.actAsEndUser === undefined ? {} : { actAsEndUser: body.actAsEndUser }),
    });
    await deps.people.recordAudit({
      actor: auditActorOf(actor),
      action: 'key.create',
      target: created.key.id,
      detail: {
        name: created.key.name,
        role: created.key.role,
        projectId: created.key.projectId,
        actAsEndUser: created.key.actAsEndUser === true,
      },
    });
    return reply.code(201).send(created);
  });

  app.delete<{ Params: { id: string } }>('/api/keys/:id', async (request) => {
    const actor = await requireActor(request, 'manage');
    const revoked = await deps.keys.revokeApiKey(request.params.id);
    deps.forgetCachedKeys();
    await deps.people.recordAudit({
      actor: auditActorOf(actor),
      action: 'key.revoke',
      target: revoked.id,
      detail: { name: revoked.name, projectId: revoked.projectId },
    });
    return revoked;
  });

  app.get('/api/routes', async (request) => {
    await requireActor(request, 'read');
    return { data: deps.routesStatus() };
  });

  app.get('/api/interactions', async (request) => {
    const actor = await requireActor(request, 'read');
    const query = parseInteractionQuery(request.query);
    const project = scopedProject(actor, query.projectId);
    if (project !== undefined) query.projectId = project;
    const page = await deps.interactions.listInteractions(query);
    return { data: page.items, next_cursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/interactions/:id', async (request) => {
    const actor = await requireActor(request, 'read');
    const interaction = await deps.interactions.getInteraction(request.params.id);
    // Another project's interaction answers like a missing one, so ids cannot be probed across projects.
    if (!interaction || (actor.projectScope !== null && interaction.projectId !== actor.projectScope)) {
      throw new SlipwayError('not_found', `No interaction with id "${request.params.id}"`, { param: 'id' });
    }
    // The log keeps references to retrieved chunks; their text is shown only as far as this viewer is cleared.
    return deps.retrievalSurfaces.showRetrievedDocuments(interaction, actor);
  });
}
