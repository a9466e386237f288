import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import type { Caller } from '../../core/identity.js';
import type { AuditActor } from '../../ports/audit-log.js';
import { authorize } from '../../services/authenticate-caller.js';
import { bearerTokenOf } from '../bearer-token.js';
import { principalFactsOf } from '../end-user-headers.js';
import type { HttpDeps } from '../http-deps.js';
import {
  parseCreateVectorStore,
  parseVectorStoreListQuery,
  parseVectorStoreSearch,
} from '../vector-store-schemas.js';
import { searchResultViewOf, vectorStoreViewOf } from '../vector-store-views.js';

interface StoreParams {
  id: string;
}

const keyActorOf = (caller: Caller): AuditActor => ({
  kind: 'api_key',
  id: caller.keyId,
  label: caller.keyId,
});

/** Aborts when the client goes away before the search is answered. */
function abortOnClose(request: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  request.raw.on('aborted', () => controller.abort(new SlipwayError('client_closed', 'The client aborted.')));
  return controller.signal;
}

/**
 * OpenAI's vector-stores API over Slipway's collections (a vector store is a collection; its id is its name):
 * list, create (admin keys), retrieve, and search for the request's end user, with every search's access decision
 * audited. Files are added through `/v1/vector_stores/{id}/files` (src/http/routes/vector-store-file-routes.ts),
 * `/api/collections/{name}/documents` or `slipway docs ingest`.
 */
export function registerVectorStoreRoutes(app: FastifyInstance, deps: HttpDeps): void {
  async function gatewayCaller(request: FastifyRequest): Promise<Caller> {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    return caller;
  }

  async function viewOf(name: string) {
    const collection = await deps.retrieval.collections.get(name).catch((error: unknown) => {
      if (error instanceof SlipwayError && error.code === 'not_found') {
        throw new SlipwayError('not_found', `No vector store with id "${name}".`, {
          param: 'vector_store_id',
        });
      }
      throw error;
    });
    return vectorStoreViewOf(collection, await deps.retrievalSurfaces.collectionSize(collection.name));
  }

  app.get('/v1/vector_stores', async (request) => {
    await gatewayCaller(request);
    const query = parseVectorStoreListQuery(request.query);
    const all = await deps.retrieval.collections.list();
    const ordered = query.order === 'asc' ? all : [...all].reverse();
    const start =
      query.after === undefined ? 0 : ordered.findIndex((entry) => entry.name === query.after) + 1;
    const end =
      query.before === undefined ? ordered.length : ordered.findIndex((entry) => entry.name === query.before);
    const window = ordered.slice(start, end < 0 ? ordered.length : end);
    const page = window.slice(0, query.limit);
    const data = await Promise.all(page.map((entry) => viewOf(entry.name)));
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: window.length > page.length,
    };
  });

  app.post('/v1/vector_stores', async (request, reply) => {
    const caller = await gatewayCaller(request);
    authorize(caller, 'manage');
    const { name } = parseCreateVectorStore(request.body);
    await deps.retrieval.collections.create(
      { name },
      { kind: 'api_key', id: caller.keyId, role: caller.role, label: caller.keyId },
    );
    return reply.code(200).send(await viewOf(name));
  });

  app.get<{ Params: StoreParams }>('/v1/vector_stores/:id', async (request) => {
    await gatewayCaller(request);
    return viewOf(request.params.id);
  });

  app.post<{ Params: StoreParams }>('/v1/vector_stores/:id/search', async (request) => {
    const caller = await gatewayCaller(request);
    const search = parseVectorStoreSearch(request.body);
    const principal = await deps.principals.resolvePrincipal(principalFactsOf(caller, request.headers, null));
    const found = await deps.retrievalSurfaces.retrieve({
      collection: request.params.id,
      query: search.query,
      k: search.maxResults,
      principal,
      caller,
      actor: keyActorOf(caller),
      surface: 'vector_store.search',
      signal: abortOnClose(request),
    });
    return {
      object: 'vector_store.search_results.page',
      search_query: search.queries,
      data: found.passages
        .filter((passage) => passage.score >= search.scoreThreshold)
        .map((passage) => searchResultViewOf(found.collection, passage)),
      has_more: false,
      next_page: null,
    };
  });
}
