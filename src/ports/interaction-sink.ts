import type { InteractionRecord } from '../core/interaction.js';

/**
 * Where the gateway hands finished interactions. Off the hot path: `record` returns at once while there is room
 * in the buffer, and applies back-pressure (a promise that resolves when there is room) when it is full. A
 * record handed over is never dropped silently: it is stored, spilled to disk, or counted as failed.
 */
export interface InteractionSink {
  record(interaction: InteractionRecord): void | Promise<void>;
}
