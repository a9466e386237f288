import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../core/identity.js';
import { authorize } from '../../services/authenticate-caller.js';
import { listObjectOf } from '../batch-views.js';
import { bearerTokenOf } from '../bearer-token.js';
import type { HttpDeps } from '../http-deps.js';
import { parseCreateVectorStoreFile, parseVectorStoreFileListQuery } from '../vector-store-file-schemas.js';
import { vectorStoreFileObjectOf } from '../vector-store-file-views.js';

interface StoreParams {
  id: string;
}
interface FileParams extends StoreParams {
  fileId: string;
}

/** How soon the `openai` SDK's poll helpers ask again about a file still in progress (its default is 5 s). */
const POLL_AFTER_MS = '250';

/**
 * OpenAI's vector-store files: add a file of `/v1/files` to a vector store (manage permission; the access rule
 * from the `slipway_allow` / `slipway_classification` attributes, nobody without them), list, retrieve with the
 * ingestion's progress, and remove (every chunk and vector of it; the file stays).
 */
export function registerVectorStoreFileRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { attachments } = deps.vectorStoreFiles;
  async function gatewayCaller(request: FastifyRequest): Promise<Caller> {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    return caller;
  }

  app.post<{ Params: StoreParams }>('/v1/vector_stores/:id/files', async (request) => {
    const caller = await gatewayCaller(request);
    const body = parseCreateVectorStoreFile(request.body);
    const view = await attachments.add({ caller, collection: request.params.id, ...body });
    return vectorStoreFileObjectOf(view);
  });

  app.get<{ Params: StoreParams }>('/v1/vector_stores/:id/files', async (request) => {
    await gatewayCaller(request);
    const query = parseVectorStoreFileListQuery(request.query);
    const page = await attachments.list({ collection: request.params.id, ...query });
    return listObjectOf(page.data.map(vectorStoreFileObjectOf), page.hasMore);
  });

  app.get<{ Params: FileParams }>('/v1/vector_stores/:id/files/:fileId', async (request, reply) => {
    await gatewayCaller(request);
    const view = await attachments.get(request.params.id, request.params.fileId);
    if (view.status === 'in_progress') void reply.header('openai-poll-after-ms', POLL_AFTER_MS);
    return vectorStoreFileObjectOf(view);
  });

  app.delete<{ Params: FileParams }>('/v1/vector_stores/:id/files/:fileId', async (request) => {
    const caller = await gatewayCaller(request);
    const { id, fileId } = request.params;
    await attachments.remove({ caller, collection: id, fileId });
    return { id: fileId, object: 'vector_store.file.deleted' as const, deleted: true };
  });
}
