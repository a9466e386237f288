import type { AccessRule } from '../core/access/access-rule.js';
import { chunkText } from '../core/documents/chunk-text.js';
import type { CollectionRecord, DocumentRecord } from '../core/documents/document.js';
import { SlipwayError, toSlipwayError } from '../core/errors.js';
import type { IngestionActor, IngestionItem } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';
import { embedTexts } from './embed-texts.js';

const sameRule = (a: AccessRule, b: AccessRule) => JSON.stringify(a) === JSON.stringify(b);

export interface IngestDocumentOptions {
  /** The queue's last delivery of the job: a failure now is recorded instead of thrown for another try. */
  finalAttempt: boolean;
  signal: AbortSignal;
}

/**
 * The `docs.ingest` job: parse → chunk → embed (through the gateway's embeddings use case, in batches) →
 * `replaceDocument` in the vector index (one atomic swap of the document's chunks and rule) → the catalog row →
 * the item's outcome. Idempotent: an item already handled is skipped, and the same bytes under the same rule as
 * the document already indexed change nothing. A document that cannot be read (`invalid_request`: a corrupt or
 * empty file) fails at once; other errors (an embeddings upstream that is down) are thrown for the queue to retry,
 * and recorded as the item's failure on the last attempt. A failed re-ingest keeps the version already indexed.
 * @example await ingestDocument({ runId, documentId }, { finalAttempt: false, signal });
 */
export function makeIngestDocument(deps: DocumentsDeps) {
  async function index(
    item: IngestionItem,
    collection: CollectionRecord,
    by: { actor: IngestionActor; signal: AbortSignal },
  ) {
    const { actor, signal } = by;
    const parsed = await deps.parser.parse({
      name: item.sourceName,
      mediaType: item.mediaType,
      content: item.content,
    });
    const chunks = chunkText(parsed.text, {
      chunkTokens: deps.settings.chunkTokens,
      overlapTokens: deps.settings.overlapTokens,
      countTokens: deps.countTokens,
    });
    if (chunks.length === 0) {
      throw new SlipwayError(
        'invalid_request',
        `"${item.sourceName}" has no text to index (a scanned PDF?).`,
      );
    }
    const vectors = await embedTexts({
      createEmbeddings: deps.createEmbeddings,
      caller: await deps.callerOf(actor),
      model: collection.embeddingModel,
      texts: chunks.map((chunk) => chunk.text),
      batchSize: deps.settings.embedBatchSize,
      signal,
    });
    await deps.index.replaceDocument({
      collection: collection.name,
      documentId: item.documentId,
      rule: item.rule,
      chunks: chunks.map((chunk, position) => ({
        index: chunk.index,
        text: chunk.text,
        vector: vectors[position] ?? new Float32Array(),
      })),
    });
    return { mediaType: parsed.mediaType, title: parsed.title ?? item.title, chunkCount: chunks.length };
  }

  return async function ingestDocument(
    job: { runId: string; documentId: string },
    options: IngestDocumentOptions,
  ): Promise<void> {
    const item = await deps.catalog.getIngestionItem(job.runId, job.documentId);
    if (item === null || item.outcome !== null) return;
    const run = await deps.catalog.getIngestionRun(job.runId);
    if (run === null) return;
    const finish = (outcome: 'done' | 'failed', error: string | null) =>
      deps.catalog.finishIngestionItem({ ...job, outcome, error, at: deps.clock.now() });
    const contentHash = deps.sha256Hex(item.content);
    const existing = await deps.catalog.getDocument(run.collection, item.documentId);
    if (
      existing !== null &&
      existing.status === 'ready' &&
      existing.contentHash === contentHash &&
      sameRule(existing.rule, item.rule)
    ) {
      await finish('done', null);
      return;
    }
    const record: Omit<DocumentRecord, 'mediaType' | 'title' | 'chunkCount' | 'status' | 'error'> = {
      collection: run.collection,
      id: item.documentId,
      sourceName: item.sourceName,
      bytes: item.content.length,
      contentHash,
      rule: item.rule,
      ingestedAt: deps.clock.now(),
      ingestedBy: run.actor.label,
    };
    try {
      const collection = await deps.catalog.getCollection(run.collection);
      if (collection === null)
        throw new SlipwayError('invalid_request', `The collection "${run.collection}" is gone.`);
      const indexed = await index(item, collection, { actor: run.actor, signal: options.signal });
      await deps.catalog.putDocument({ ...record, ...indexed, status: 'ready', error: null });
      await deps.recordAudit({
        actor: run.actor,
        action: 'document.ingest',
        target: `${run.collection}/${item.documentId}`,
        detail: { runId: run.id, chunks: indexed.chunkCount, contentHash, rule: item.rule },
      });
      await finish('done', null);
    } catch (thrown) {
      const error = toSlipwayError(thrown);
      const permanent = error.code === 'invalid_request' || error.code === 'not_found';
      // Stopping workers hand the job back; it was not at fault.
      if (options.signal.aborted || (!permanent && !options.finalAttempt)) throw thrown;
      if (existing === null) {
        await deps.catalog.putDocument({
          ...record,
          mediaType: item.mediaType ?? 'application/octet-stream',
          title: item.title,
          chunkCount: 0,
          status: 'failed',
          error: error.message,
        });
      }
      await finish('failed', error.message);
    }
  };
}
