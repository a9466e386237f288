import type { InteractionRecord } from '../../src/core/interaction.js';
import type { InteractionSink } from '../../src/ports/interaction-sink.js';

/** Keeps every record handed to it, in order. */
export class RecordingInteractionSink implements InteractionSink {
  readonly records: InteractionRecord[] = [];

  record(interaction: InteractionRecord): void {
    this.records.push(interaction);
  }

  /** The only record; fails the test when there is not exactly one. */
  only(): InteractionRecord {
    if (this.records.length !== 1)
      throw new Error(`expected exactly one interaction record, got ${this.records.length}`);
    return this.records[0] as InteractionRecord;
  }
}
