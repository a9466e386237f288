import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * An IdGenerator that hands out ids chosen in advance for one span, and random ids otherwise. The gateway picked
 * each interaction's trace and span ids when the request arrived (and sent the span id upstream in
 * `traceparent`), so the exported span must carry exactly those; the SDK offers no other way to choose a span's
 * ids than its IdGenerator. `startSpan` asks for ids synchronously, so presetting them around that one call is
 * safe in a single-threaded event loop.
 */
export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private preset: { traceId: string; spanId: string } | null = null;

  /** Runs `start` (which starts exactly one span) with `ids` as that span's ids, then goes back to random ids. */
  withIds<Span>(ids: { traceId: string; spanId: string }, start: () => Span): Span {
    this.preset = { ...ids };
    try {
      return start();
    } finally {
      this.preset = null;
    }
  }

  /** The preset trace id; asked for only when the span has no parent (a trace starting here). */
  generateTraceId(): string {
    return this.preset?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.preset?.spanId ?? this.random.generateSpanId();
  }
}
