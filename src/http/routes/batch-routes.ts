import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../../services/authenticate-caller.js';
import { batchObjectOf, listObjectOf } from '../batch-views.js';
import { parseAdminBatchQuery, parseCreateBatchBody, parsePageQuery } from '../batch-schemas.js';
import { bearerTokenOf } from '../bearer-token.js';
import type { HttpDeps } from '../http-deps.js';
import { type RequireActor, scopedProject } from '../request-actor.js';

interface BatchParams {
  id: string;
}

/**
 * OpenAI's `/v1/batches` (any key, limited to its project), and `/api/batches` for the dashboard (people and
 * admin-API keys, limited to what their role may read).
 */
export function registerBatchRoutes(app: FastifyInstance, deps: HttpDeps, requireActor: RequireActor): void {
  const { batches } = deps.batching;
  const callerOf = async (request: FastifyRequest) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    return caller;
  };

  app.post('/v1/batches', async (request) => {
    const caller = await callerOf(request);
    const body = parseCreateBatchBody(request.body);
    const batch = await batches.createBatch(caller, {
      inputFileId: body.input_file_id,
      endpoint: body.endpoint,
      completionWindow: body.completion_window,
      metadata: body.metadata ?? null,
    });
    return batchObjectOf(batch);
  });

  app.get('/v1/batches', async (request) => {
    const caller = await callerOf(request);
    const page = await batches.listBatches(caller, parsePageQuery(request.query));
    return listObjectOf(page.data.map(batchObjectOf), page.hasMore);
  });

  app.get<{ Params: BatchParams }>('/v1/batches/:id', async (request) => {
    const caller = await callerOf(request);
    return batchObjectOf(await batches.getBatch(caller, request.params.id));
  });

  app.post<{ Params: BatchParams }>('/v1/batches/:id/cancel', async (request) => {
    const caller = await callerOf(request);
    return batchObjectOf(await batches.cancelBatch(caller, request.params.id));
  });

  app.get('/api/batches', async (request) => {
    const actor = await requireActor(request, 'read');
    const query = parseAdminBatchQuery(request.query);
    const page = await batches.listAllBatches(scopedProject(actor, query.project), query);
    const data = page.data.map((batch) => ({ ...batchObjectOf(batch), project_id: batch.projectId }));
    return listObjectOf(data, page.hasMore);
  });

  app.get<{ Params: BatchParams }>('/api/batches/:id', async (request) => {
    const actor = await requireActor(request, 'read');
    const batch = await batches.getBatchIn(actor.projectScope ?? undefined, request.params.id);
    return { ...batchObjectOf(batch), project_id: batch.projectId };
  });
}
