import type { InteractionRecord } from '../core/interaction.js';

/** A gauge read at scrape time, e.g. breaker state per target or the log writer's queue depth. */
export interface GaugeSource {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Called at each scrape; must be cheap and must not throw. */
  collect(): Array<{ labels: Record<string, string>; value: number }>;
}

/**
 * How one delivery ended: `completed` (acknowledged), `failed` (thrown; retried, or dead-lettered once its
 * attempts are spent) or `invalid` (its payload failed the catalog's schema).
 */
export type JobOutcome = 'completed' | 'failed' | 'invalid';

/**
 * Operational metrics in Prometheus' text format. Observing never throws and never blocks.
 */
export interface Metrics {
  /** Counts the request, its latency, time to first token, tokens, cost and error by model, target and status. */
  observeInteraction(interaction: InteractionRecord): void;
  /** Counts a request refused before any upstream call (limits, auth, validation), by error code. */
  observeRejection(code: string): void;
  /** Counts one job delivery handled by a worker, by job name and outcome, and its duration. */
  observeJob(job: { name: string; outcome: JobOutcome; durationMs: number }): void;
  registerGauge(source: GaugeSource): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}
