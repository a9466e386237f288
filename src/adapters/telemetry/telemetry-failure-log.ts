/** What failed: exporting spans, exporting metrics, or turning a record into telemetry. */
export type TelemetryFailureKind = 'traces' | 'metrics' | 'conversion';

export interface TelemetryFailureLogOptions {
  logError: (message: string, error: unknown) => void;
  now: () => number;
  /** At most one log line per kind in this period; failures in between are counted and summed up in the next. */
  intervalMs: number;
}

const MESSAGES: Record<TelemetryFailureKind, string> = {
  traces: 'OpenTelemetry trace export failed',
  metrics: 'OpenTelemetry metric export failed',
  conversion: 'turning an interaction into OpenTelemetry spans and metrics failed',
};

/**
 * Counts telemetry failures and logs them without flooding: a collector that is down fails every export, every
 * few seconds, for as long as it is down, and the server log must stay readable meanwhile.
 */
export class TelemetryFailureLog {
  private readonly counts: Record<TelemetryFailureKind, number> = { traces: 0, metrics: 0, conversion: 0 };
  private readonly lastLoggedAt = new Map<TelemetryFailureKind, number>();
  private readonly unlogged: Record<TelemetryFailureKind, number> = { traces: 0, metrics: 0, conversion: 0 };

  constructor(private readonly options: TelemetryFailureLogOptions) {}

  report(kind: TelemetryFailureKind, error: unknown): void {
    this.counts[kind] += 1;
    const now = this.options.now();
    const last = this.lastLoggedAt.get(kind);
    if (last !== undefined && now - last < this.options.intervalMs) {
      this.unlogged[kind] += 1;
      return;
    }
    const skipped = this.unlogged[kind];
    this.unlogged[kind] = 0;
    this.lastLoggedAt.set(kind, now);
    const suffix = skipped === 0 ? '' : ` (and ${skipped} more times since the last report)`;
    this.options.logError(`${MESSAGES[kind]}${suffix}`, error);
  }

  /** Failures so far, by kind. */
  totals(): Readonly<Record<TelemetryFailureKind, number>> {
    return { ...this.counts };
  }
}
