import { documentIdOf } from '../core/documents/document-id.js';
import { accessRuleOfAllowList } from '../core/documents/allow-list.js';
import type { IngestionRun } from '../core/documents/document.js';
import type { AccessRule } from '../core/access/access-rule.js';
import { SlipwayError } from '../core/errors.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';

/** One uploaded file. */
export interface UploadedDocument {
  /** The name it was uploaded as, a relative path for files of a folder: `policies/travel.md`. */
  name: string;
  mediaType: string | null;
  content: Uint8Array;
  /** The document id to index it under; by default made from `name` (`documentIdOf`). */
  documentId?: string;
}

export interface StartIngestionInput {
  collection: string;
  files: readonly UploadedDocument[];
  /** `everyone`, `user:<id>`, `group:<name>`, `role:<name>`. */
  allow: readonly string[];
  classification: string | null;
  /**
   * A rule decided already, used instead of `allow` and `classification`: a file added through OpenAI's
   * vector-store API may name nobody (see src/core/documents/access-rule-of-attributes.ts).
   */
  rule?: AccessRule;
  actor: IngestionActor;
}

/** The job that ingests one document of a run: its id is the idempotency key (run, document). */
const ingestJobOf = (runId: string, documentId: string) => ({
  id: `docs-ingest:${runId}:${documentId}`,
  name: 'docs.ingest',
  payload: { runId, documentId },
});

/**
 * Starts ingesting uploaded files into a collection: checks the collection, the rule and each file's type (an
 * unsupported one refuses the whole upload, naming it), then stores the run, the files and one `docs.ingest` job
 * per file in one transaction, and returns the run, whose counts are its progress. The document id is made from
 * the file name (`documentIdOf`), so uploading the same path again replaces the document.
 * @example const run = await startIngestion({ collection: 'handbook', files, allow: ['everyone'], classification: null, actor });
 */
export function makeStartIngestion(
  deps: Pick<DocumentsDeps, 'catalog' | 'parser' | 'clock' | 'random' | 'settings'>,
) {
  return async function startIngestion(input: StartIngestionInput): Promise<IngestionRun> {
    const collection = await deps.catalog.getCollection(input.collection);
    if (collection === null) {
      throw new SlipwayError('not_found', `No collection named "${input.collection}".`, {
        param: 'collection',
      });
    }
    const rule = input.rule ?? accessRuleOfAllowList(input.allow, input.classification, deps.settings.levels);
    if (input.files.length === 0) {
      throw new SlipwayError('invalid_request', 'Upload at least one file.', { param: 'file' });
    }
    const seen = new Map<string, string>();
    const items = input.files.map((file) => {
      deps.parser.mediaTypeOf(file);
      const documentId = file.documentId ?? documentIdOf(file.name);
      if (documentId === null) {
        throw new SlipwayError('invalid_request', `"${file.name}" is not a usable document name.`, {
          param: 'file',
        });
      }
      const clash = seen.get(documentId);
      if (clash !== undefined) {
        throw new SlipwayError(
          'invalid_request',
          `"${clash}" and "${file.name}" would both be document "${documentId}"; upload them separately.`,
          { param: 'file' },
        );
      }
      seen.set(documentId, file.name);
      const base = file.name.slice(file.name.lastIndexOf('/') + 1);
      return {
        documentId,
        title: base,
        sourceName: file.name,
        mediaType: file.mediaType,
        content: file.content,
        rule,
      };
    });
    const id = deps.random.id('ing');
    const createdAt = deps.clock.now();
    await deps.catalog.createIngestionRun(
      { id, collection: collection.name, actor: input.actor, createdAt },
      items,
      items.map((item) => ingestJobOf(id, item.documentId)),
    );
    return {
      id,
      collection: collection.name,
      total: items.length,
      done: 0,
      failed: 0,
      cancelled: 0,
      status: 'running',
      createdAt,
      createdBy: input.actor.label,
      finishedAt: null,
    };
  };
}

export type StartIngestion = ReturnType<typeof makeStartIngestion>;
