import { z } from 'zod';
import { SlipwayError } from '../core/errors.js';
import type { ChatRetrieval } from '../services/ground-chat-request.js';

const DEFAULT_SEARCH_RESULTS = 10;
const DEFAULT_CHAT_CHUNKS = 4;
const storeId = z.string().min(1).max(64);

const searchBody = z.strictObject({
  query: z.union([z.string().min(1).max(8_000), z.array(z.string().min(1).max(8_000)).min(1).max(8)]),
  max_num_results: z.int().min(1).max(50).default(DEFAULT_SEARCH_RESULTS),
  filters: z.unknown().optional(),
  rewrite_query: z.boolean().optional(),
  ranking_options: z
    .strictObject({
      ranker: z.string().max(100).optional(),
      score_threshold: z.number().min(0).max(1).optional(),
    })
    .optional(),
});

const createBody = z.strictObject({
  name: storeId,
  metadata: z.record(z.string(), z.string()).optional(),
});

const listQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'expected an integer')
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional(),
  order: z.enum(['asc', 'desc']).optional(),
  after: storeId.optional(),
  before: storeId.optional(),
});

const chatRetrieval = z
  .strictObject({
    collection: storeId.optional(),
    vector_store_id: storeId.optional(),
    k: z.int().min(1).max(20).default(DEFAULT_CHAT_CHUNKS),
  })
  .refine((value) => (value.collection === undefined) !== (value.vector_store_id === undefined), {
    message: 'name exactly one of collection and vector_store_id',
  });

function parse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  options: { what: string; prefix?: string },
): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [
    ...(options.prefix === undefined ? [] : [options.prefix]),
    ...(issue?.path.map(String) ?? []),
  ];
  const param = path.join('.') || undefined;
  throw new SlipwayError(
    'invalid_request',
    `Invalid ${options.what}${param ? ` at '${param}'` : ''}: ${issue?.message}`,
    param ? { param } : {},
  );
}

/** A `POST /v1/vector_stores/{id}/search` body, as far as Slipway serves it. */
export interface VectorStoreSearch {
  query: string;
  maxResults: number;
  /** Results scoring below are dropped (OpenAI's `ranking_options.score_threshold`). */
  scoreThreshold: number;
  /** The queries as sent, for the page's `search_query`. */
  queries: string[];
}

/**
 * Reads a vector-store search body. Attribute `filters` and `rewrite_query: true` are refused (`invalid_request`)
 * rather than ignored: who may read what is decided by each document's access rule, and a client that relies on
 * a filter to narrow results must not silently get unfiltered ones.
 */
export function parseVectorStoreSearch(body: unknown): VectorStoreSearch {
  const parsed = parse(searchBody, body, { what: 'vector store search' });
  if (parsed.filters !== undefined && parsed.filters !== null) {
    throw new SlipwayError(
      'invalid_request',
      'Attribute filters are not supported: what a search may return is decided by each document’s access rule for the asking end user.',
      { param: 'filters' },
    );
  }
  if (parsed.rewrite_query === true) {
    throw new SlipwayError('invalid_request', 'rewrite_query is not supported; send false or omit it.', {
      param: 'rewrite_query',
    });
  }
  const queries = typeof parsed.query === 'string' ? [parsed.query] : parsed.query;
  return {
    query: queries.join('\n'),
    queries,
    maxResults: parsed.max_num_results,
    scoreThreshold: parsed.ranking_options?.score_threshold ?? 0,
  };
}

/** `POST /v1/vector_stores` `{ name, metadata? }`: a vector store is a collection, named by its id. */
export function parseCreateVectorStore(body: unknown): { name: string } {
  return { name: parse(createBody, body, { what: 'vector store' }).name };
}

/** `GET /v1/vector_stores` query: OpenAI's cursor parameters. */
export function parseVectorStoreListQuery(query: unknown) {
  const parsed = parse(listQuery, query, { what: 'list query' });
  return {
    limit: parsed.limit ?? 20,
    order: parsed.order ?? 'desc',
    after: parsed.after,
    before: parsed.before,
  };
}

/**
 * A chat request's `retrieval` extension: `{ collection | vector_store_id, k? }` (k 1..20, default 4), or null
 * when the request has none.
 */
export function parseChatRetrieval(value: unknown): ChatRetrieval | null {
  if (value === undefined || value === null) return null;
  const parsed = parse(chatRetrieval, value, { what: 'retrieval', prefix: 'retrieval' });
  return { collection: (parsed.collection ?? parsed.vector_store_id) as string, k: parsed.k };
}
