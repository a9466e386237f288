import type { z } from 'zod';
import type { ComposedApp } from '../compose/compose-app.js';
import type { JobDelivery } from '../ports/job-queue.js';
import { SlipwayError } from '../core/errors.js';
import { batchLineHandler } from './handlers/batch-line.js';
import { batchPlanHandler } from './handlers/batch-plan.js';
import { docsIngestHandler } from './handlers/docs-ingest.js';
import { inferenceChatHandler } from './handlers/inference-chat.js';

/** Runs one job whose payload has already passed its schema. Idempotent: delivery is at least once. */
export type PayloadHandler<Payload> = (
  payload: Payload,
  delivery: JobDelivery,
  signal: AbortSignal,
) => Promise<void>;

/** How a worker handles one job name: the payload schema it checks first, and the handler it makes. */
export interface JobHandlerEntry<Payload = unknown> {
  name: string;
  schema: z.ZodType<Payload>;
  /** Makes the handler from the composed application, once per worker start. */
  create(app: ComposedApp): PayloadHandler<Payload>;
  /** Deliveries handled at once when `workers.concurrency` does not name the job. */
  concurrency?: number;
}

/**
 * Job name → how a worker handles it. `slipway worker` and `slipway start` (with in-process workers) consume
 * every name registered here.
 */
export class JobHandlerRegistry {
  private readonly byName = new Map<string, JobHandlerEntry>();

  /** Throws `invalid_request` when the name is already registered: one handler per job name. */
  register<Payload>(entry: JobHandlerEntry<Payload>): this {
    if (this.byName.has(entry.name)) {
      throw new SlipwayError('invalid_request', `A handler for job "${entry.name}" is already registered.`);
    }
    this.byName.set(entry.name, entry as unknown as JobHandlerEntry);
    return this;
  }

  /** In registration order. */
  entries(): readonly JobHandlerEntry[] {
    return [...this.byName.values()];
  }
}

/**
 * The handlers of every job Slipway enqueues. A capability that adds a job to the catalog registers its
 * handler here, in one line.
 */
export function createJobHandlerRegistry(): JobHandlerRegistry {
  return new JobHandlerRegistry()
    .register(batchPlanHandler)
    .register(batchLineHandler)
    .register(inferenceChatHandler)
    .register(docsIngestHandler);
}
