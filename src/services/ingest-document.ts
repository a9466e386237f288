import type { AccessRule } from '../core/access/access-rule.js';
import { chunkText } from '../core/documents/chunk-text.js';
import type { CollectionRecord, DocumentRecord } from '../core/documents/document.js';
import { SlipwayError, toSlipwayError } from '../core/errors.js';
import type { IngestionActor, IngestionItem } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';
import { embedTexts } from './embed-texts.js';

const sameRule = (a: AccessRule, b: AccessRule) => JSON.stringify(a) === JSON.stringify(b);

/** The `docs.ingest` payload: one item of one run. */
interface IngestionJob {
  runId: string;
  documentId: string;
}

export interface IngestDocumentOptions {
  /** The queue's last delivery of the job: a failure now is recorded instead of thrown for another try. */
  finalAttempt: boolean;
  signal: AbortSignal;
}

/**
 * The `docs.ingest` job: parse → chunk → embed (through the gateway's embeddings use case, in batches) →
 * `replaceDocument` in the vector index (one atomic swap of the document's chunks and rule) → the item's outcome
 * with the catalog row, in one conditional write. Idempotent: an item already handled is skipped, and the same
 * bytes under the same rule as the document already indexed change nothing. A document that cannot be read
 * (`invalid_request`: a corrupt or empty file) fails at once; other errors (an embeddings upstream that is down)
 * are thrown for the queue to retry, and recorded as the item's failure on the last attempt. A failed re-ingest
 * keeps the version already indexed.
 *
 * Deleting the document cancels its item (manage-documents.ts). A job whose item is cancelled before it writes
 * to the index writes nothing; one whose item is cancelled between its index write and its outcome finds the
 * outcome refused, removes the document from the index again and records nothing else, so that either order
 * ends with no chunks and no catalog row.
 * @example await ingestDocument({ runId, documentId }, { finalAttempt: false, signal });
 */
export function makeIngestDocument(deps: DocumentsDeps) {
  const isUnfinished = async (job: IngestionJob) =>
    (await deps.catalog.getIngestionItem(job.runId, job.documentId))?.outcome === null;

  /** The document's text, chunked and embedded; null when its item was cancelled meanwhile. */
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
    // Embedding takes a while; a document deleted meanwhile is not written to the index at all, which also
    // spares a re-upload made since then from the removal that undoes a late write.
    if (!(await isUnfinished(item))) return null;
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

  return async function ingestDocument(job: IngestionJob, options: IngestDocumentOptions): Promise<void> {
    const item = await deps.catalog.getIngestionItem(job.runId, job.documentId);
    if (item === null || item.outcome !== null) return;
    const run = await deps.catalog.getIngestionRun(job.runId);
    if (run === null) return;
    const finish = (
      outcome: 'done' | 'failed',
      result: { error: string | null; document?: DocumentRecord },
    ) => deps.catalog.finishIngestionItem({ ...job, outcome, ...result, at: deps.clock.now() });
    const contentHash = deps.sha256Hex(item.content);
    const existing = await deps.catalog.getDocument(run.collection, item.documentId);
    if (
      existing !== null &&
      existing.status === 'ready' &&
      existing.contentHash === contentHash &&
      sameRule(existing.rule, item.rule)
    ) {
      await finish('done', { error: null });
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
    let indexed: Awaited<ReturnType<typeof index>>;
    try {
      const collection = await deps.catalog.getCollection(run.collection);
      if (collection === null)
        throw new SlipwayError('invalid_request', `The collection "${run.collection}" is gone.`);
      indexed = await index(item, collection, { actor: run.actor, signal: options.signal });
    } catch (thrown) {
      const error = toSlipwayError(thrown);
      const permanent = error.code === 'invalid_request' || error.code === 'not_found';
      // Stopping workers hand the job back; it was not at fault.
      if (options.signal.aborted || (!permanent && !options.finalAttempt)) throw thrown;
      const failedRow: DocumentRecord = {
        ...record,
        mediaType: item.mediaType ?? 'application/octet-stream',
        title: item.title,
        chunkCount: 0,
        status: 'failed',
        error: error.message,
      };
      await finish('failed', { error: error.message, ...(existing === null ? { document: failedRow } : {}) });
      return;
    }
    if (indexed === null) return;
    const document: DocumentRecord = { ...record, ...indexed, status: 'ready', error: null };
    if (!(await finish('done', { error: null, document }))) {
      // Refused: the document was deleted (its item cancelled) while this job wrote it to the index, and its chunks
      // must not outlive it. A duplicate delivery that finished first leaves the item done, with the right chunks.
      const handled = await deps.catalog.getIngestionItem(job.runId, job.documentId);
      if (handled?.outcome === 'cancelled') {
        await deps.index.deleteDocument({ collection: run.collection, documentId: item.documentId });
      }
      return;
    }
    // Audited once recorded, so that a write undone above leaves no `document.ingest` behind.
    await deps.recordAudit({
      actor: run.actor,
      action: 'document.ingest',
      target: `${run.collection}/${item.documentId}`,
      detail: { runId: run.id, chunks: indexed.chunkCount, contentHash, rule: item.rule },
    });
  };
}
