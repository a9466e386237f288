import type { InteractionRecord } from '../core/interaction.js';

/**
 * Local, durable overflow for interaction records that the store could not take in time (the store is down and
 * the writer's buffer is full, or the process is shutting down). Records arrive already redacted: raw request or
 * response text never reaches the spill.
 *
 * Contract:
 * - `append` resolves only once the batch is durable (written and fsynced). A batch is all or nothing: a crash
 *   while appending leaves either the whole batch or nothing behind, never part of it.
 * - `list` returns the ids of the batches held, oldest first; batches appended later sort after.
 * - `read` returns a batch's records in the order they were appended. Throws `not_found` when the batch does not
 *   exist and `internal_error` when it cannot be parsed (it is then left in place for an operator).
 * - `remove` deletes a batch once its records are stored; removing an absent batch does nothing. The writer
 *   replays a batch (stores it, idempotently by interaction id) before removing it, so a crash in between stores
 *   the batch again later without duplicating it.
 * - `count` reports what is held without reading the batches' contents.
 *
 * @example
 * const id = await spill.append(redactedBatch);
 * for (const id of await spill.list()) { await store.appendInteractions(await spill.read(id)); await spill.remove(id); }
 */
export interface InteractionSpill {
  append(records: readonly InteractionRecord[]): Promise<string>;
  list(): Promise<string[]>;
  read(id: string): Promise<InteractionRecord[]>;
  remove(id: string): Promise<void>;
  count(): Promise<{ batches: number; records: number }>;
}
