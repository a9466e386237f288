import type { ComposedApp } from '../../compose/compose-app.js';
import { JOB_CATALOG, type JobPayload } from '../../jobs/job-catalog.js';
import type { JobDelivery } from '../../ports/job-queue.js';

/** `docs.ingest`: parses, chunks, embeds and indexes one uploaded document of an ingestion run. */
export const docsIngestHandler = {
  name: 'docs.ingest',
  schema: JOB_CATALOG['docs.ingest'],
  create:
    (app: ComposedApp) => (payload: JobPayload<'docs.ingest'>, delivery: JobDelivery, signal: AbortSignal) =>
      app.retrieval.ingestDocument(payload, {
        finalAttempt: delivery.attempt >= delivery.maxAttempts,
        signal,
      }),
  // Parsing a PDF and embedding its chunks is CPU and upstream work: a few documents at once.
  concurrency: 2,
};
