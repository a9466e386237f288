import { z } from 'zod';

/**
 * Every job name and its payload schema: the producer and the consumer both import this module, so that a
 * payload is checked against one definition on both sides. New fields are optional (a worker of the previous
 * release may still be draining the queue).
 */
export const JOB_CATALOG = {
  // Each capability adds its jobs here, e.g. 'batch.line': z.object({ batchId: z.string(), line: z.number() }).
  /** Validate a batch's input file, record its bad lines and enqueue one `batch.line` per good one. */
  'batch.plan': z.object({ batchId: z.string().min(1) }),
  /** Run one line of a batch (its number in the input file) and store its result. */
  'batch.line': z.object({ batchId: z.string().min(1), line: z.int().min(1) }),
  /** Parse, chunk, embed and index one uploaded document of an ingestion run, and record its outcome. */
  'docs.ingest': z.object({ runId: z.string().min(1), documentId: z.string().min(1) }),
  /**
   * Run one request of a `dispatch: queued` route and stream the answer to `reply` (the API process holding the
   * client's connection). `request` is the chat body as the API process parsed it; the worker rebuilds the
   * caller from `keyId`, so that a key revoked meanwhile is refused.
   */
  'inference.chat': z.object({
    request: z.record(z.string(), z.unknown()),
    keyId: z.string().min(1),
    endUser: z.string().nullable(),
    traceparent: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    tags: z
      .object({
        promptName: z.string().optional(),
        promptVersion: z.int().optional(),
        batchId: z.string().optional(),
      })
      .optional(),
    reply: z.object({ to: z.string().min(1), correlationId: z.string().min(1) }),
  }),
} as const satisfies Record<string, z.ZodType>;

type JobName = keyof typeof JOB_CATALOG;
export type JobPayload<Name extends JobName> = z.infer<(typeof JOB_CATALOG)[Name]>;
