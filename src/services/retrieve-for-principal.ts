import { accessFilterFor } from '../core/access/access-filter.js';
import type { ClassificationLevels } from '../core/access/classification-levels.js';
import { SlipwayError, toSlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { AuditActor } from '../ports/audit-log.js';
import type { DocumentCatalog } from '../ports/document-catalog.js';
import type { RetrievalDecision, VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import { embedTexts } from './embed-texts.js';
import type { RecordAudit } from './record-audit.js';
import type { ResolvedPrincipal } from './resolve-principal.js';

/** The audit action of one retrieval decision. */
const RETRIEVAL_AUDIT_ACTION = 'retrieval.search';

/** Where a retrieval was asked for, as the audit records it. */
type RetrievalSurface = 'vector_store.search' | 'chat.completions' | 'dashboard.preview';

export interface RetrieveInput {
  collection: string;
  query: string;
  /** 1..1000. */
  k: number;
  principal: ResolvedPrincipal;
  /** Whose gateway call embeds the query (limited, priced and logged as theirs). */
  caller: Caller;
  /** Who asked, for the audit: the key or the person previewing. */
  actor: AuditActor;
  surface: RetrievalSurface;
  signal: AbortSignal;
}

/** One chunk the principal may read, with what the catalog says about its document. */
export interface RetrievedPassage {
  documentId: string;
  chunkIndex: number;
  text: string;
  score: number;
  /** The file name it was uploaded as; the document id when the catalog has no row for it. */
  sourceName: string;
  title: string;
}

interface RetrievalResult {
  collection: string;
  passages: RetrievedPassage[];
  decision: RetrievalDecision;
}

export type RetrieveForPrincipal = (input: RetrieveInput) => Promise<RetrievalResult>;

export interface RetrieveForPrincipalDeps {
  catalog: Pick<DocumentCatalog, 'getCollection' | 'getDocument'>;
  index: Pick<VectorIndex, 'search'>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  levels: ClassificationLevels;
  recordAudit: RecordAudit;
  /** A one-way fingerprint of the query, so the audit can match repeated questions without holding their text. */
  fingerprint(text: string): string;
}

const QUERY_TIMEOUT_MS = 60_000;

function principalFacts(resolved: ResolvedPrincipal): Record<string, unknown> {
  const { principal } = resolved;
  const base = {
    source: resolved.source,
    ...(resolved.untrustedEndUser === null ? {} : { untrustedEndUser: resolved.untrustedEndUser }),
  };
  if (principal.kind === 'anonymous') return { ...base, principal: { kind: 'anonymous' } };
  return {
    ...base,
    endUser: principal.userId,
    principal: {
      kind: 'end_user',
      groups: [...principal.groups],
      roles: [...principal.roles],
      clearance: principal.clearance,
    },
  };
}

/**
 * Retrieval for one principal: embeds the query with the collection's own embedding model (the one its chunks
 * were embedded with), builds the principal's access filter, searches with the filter inside the index's query,
 * and appends exactly one `retrieval.search` audit event: the principal, the collection, a fingerprint of the
 * query (never its text), how many chunks were allowed and denied, the documents returned (as
 * `collection/documentId`, so `audit list --doc` finds them) and the planner path. Fails closed: an error while
 * building the filter or searching fails the retrieval (audited with outcome `failure`), and an audit event that
 * cannot be stored fails it too, so no passage is ever handed out unrecorded.
 * @example const { passages } = await retrieve({ collection: 'finance', query, k: 4, principal, caller, actor, surface: 'chat.completions', signal });
 */
export function makeRetrieveForPrincipal(deps: RetrieveForPrincipalDeps): RetrieveForPrincipal {
  return async (input) => {
    if (!Number.isInteger(input.k) || input.k < 1 || input.k > 1000) {
      throw new SlipwayError('invalid_request', 'k must be an integer from 1 to 1000', { param: 'k' });
    }
    const collection = await deps.catalog.getCollection(input.collection);
    if (collection === null) {
      throw new SlipwayError('not_found', `No collection named "${input.collection}".`, {
        param: 'collection',
      });
    }
    const audited = {
      actor: input.actor,
      action: RETRIEVAL_AUDIT_ACTION,
      target: collection.name,
    };
    const facts = {
      ...principalFacts(input.principal),
      collection: collection.name,
      surface: input.surface,
      queryFingerprint: deps.fingerprint(input.query),
      k: input.k,
    };
    const [vector] = await embedTexts({
      createEmbeddings: deps.createEmbeddings,
      caller: input.caller,
      model: collection.embeddingModel,
      texts: [input.query],
      batchSize: 1,
      signal: AbortSignal.any([input.signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]),
    });
    if (vector === undefined) {
      throw new SlipwayError('upstream_error', `The embeddings model returned no vector for the query`);
    }
    let found;
    try {
      const filter = accessFilterFor(input.principal.principal, deps.levels);
      found = await deps.index.search({ collection: collection.name, vector, k: input.k, filter });
    } catch (thrown) {
      const error = toSlipwayError(thrown);
      await deps.recordAudit({
        ...audited,
        outcome: 'failure',
        detail: { ...facts, documents: [], errorCode: error.code },
      });
      throw error;
    }
    const documentIds = [...new Set(found.chunks.map((chunk) => chunk.documentId))];
    await deps.recordAudit({
      ...audited,
      detail: {
        ...facts,
        path: found.decision.path,
        allowedChunks: found.decision.allowedChunks,
        deniedChunks: found.decision.deniedChunks,
        candidatesExamined: found.decision.candidatesExamined,
        returnedChunks: found.chunks.length,
        documents: documentIds.map((id) => `${collection.name}/${id}`),
      },
    });
    const records = new Map(
      await Promise.all(
        documentIds.map(async (id) => [id, await deps.catalog.getDocument(collection.name, id)] as const),
      ),
    );
    return {
      collection: collection.name,
      decision: found.decision,
      passages: found.chunks.map((chunk) => {
        const record = records.get(chunk.documentId) ?? null;
        return {
          ...chunk,
          sourceName: record?.sourceName ?? chunk.documentId,
          title: record?.title ?? chunk.documentId,
        };
      }),
    };
  };
}
