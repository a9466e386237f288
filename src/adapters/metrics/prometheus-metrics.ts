import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InteractionRecord } from '../../core/interaction.js';
import type { Metrics } from '../../ports/metrics.js';

const DURATION_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The `target` label of a request that no target served (refused, or every attempt failed before one). */
const NO_TARGET = 'none';

/**
 * Metrics on a registry of its own (not prom-client's global one), so that several instances, e.g. in tests,
 * never share series. Default process metrics (CPU, memory, event loop, GC) are included.
 * Registering two gauges with the same name throws.
 *
 * @example
 * const metrics = createPrometheusMetrics();
 * metrics.observeInteraction(interaction);
 * const { contentType, body } = await metrics.render();
 */
export function createPrometheusMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = cachedChildren(
    new Counter({
      name: 'slipway_requests_total',
      help: 'Requests served, by endpoint, public model, target that served and outcome.',
      labelNames: ['endpoint', 'model', 'target', 'status'],
      registers,
    }),
  );
  const durations = cachedChildren(
    new Histogram({
      name: 'slipway_request_duration_seconds',
      help: 'Time from receiving a request to its last byte, attempts and retries included.',
      labelNames: ['endpoint', 'model', 'status'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
  );
  const timesToFirstToken = cachedChildren(
    new Histogram({
      name: 'slipway_time_to_first_token_seconds',
      help: 'Time from receiving a streamed request to its first content token.',
      labelNames: ['model'],
      buckets: TTFT_BUCKETS_SECONDS,
      registers,
    }),
  );
  const tokens = cachedChildren(
    new Counter({
      name: 'slipway_tokens_total',
      help: 'Tokens billed, by public model and kind (prompt or completion).',
      labelNames: ['model', 'kind'],
      registers,
    }),
  );
  const cost = cachedChildren(
    new Counter({
      name: 'slipway_cost_usd_total',
      help: 'Estimated spend in USD, by public model.',
      labelNames: ['model'],
      registers,
    }),
  );
  const attempts = cachedChildren(
    new Counter({
      name: 'slipway_upstream_attempts_total',
      help: 'Upstream calls, by target and outcome (success, or the error code).',
      labelNames: ['target', 'status'],
      registers,
    }),
  );
  const rejections = cachedChildren(
    new Counter({
      name: 'slipway_rejections_total',
      help: 'Requests refused before any upstream call, by error code.',
      labelNames: ['code'],
      registers,
    }),
  );

  const jobs = cachedChildren(
    new Counter({
      name: 'slipway_jobs_total',
      help: 'Job deliveries handled by this process, by job name and outcome (completed, failed, invalid).',
      labelNames: ['name', 'outcome'],
      registers,
    }),
  );
  const jobDurations = cachedChildren(
    new Histogram({
      name: 'slipway_job_duration_seconds',
      help: 'Time a worker spent on one job delivery, by job name.',
      labelNames: ['name'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    }),
  );

  function observeInteraction(interaction: InteractionRecord): void {
    const { endpoint, modelRequested: model, status } = interaction;
    requests(endpoint, model, interaction.target ?? NO_TARGET, status).inc();
    if (isAmount(interaction.latencyMs))
      durations(endpoint, model, status).observe(interaction.latencyMs / 1000);
    if (interaction.ttftMs !== null && isAmount(interaction.ttftMs)) {
      timesToFirstToken(model).observe(interaction.ttftMs / 1000);
    }
    if (isAmount(interaction.promptTokens)) tokens(model, 'prompt').inc(interaction.promptTokens);
    if (isAmount(interaction.completionTokens)) tokens(model, 'completion').inc(interaction.completionTokens);
    if (isAmount(interaction.costUsd)) cost(model).inc(interaction.costUsd);
    for (const attempt of interaction.attempts) {
      const outcome = attempt.status === 'success' ? 'success' : (attempt.errorCode ?? 'error');
      attempts(`${attempt.providerId}/${attempt.model}`, outcome).inc();
    }
  }

  return {
    observeInteraction,
    observeRejection(code) {
      rejections(code).inc();
    },
    observeJob(job) {
      jobs(job.name, job.outcome).inc();
      if (isAmount(job.durationMs)) jobDurations(job.name).observe(job.durationMs / 1000);
    },
    registerGauge(source) {
      new Gauge({
        name: source.name,
        help: source.help,
        labelNames: [...source.labelNames],
        registers,
        collect() {
          this.reset();
          for (const sample of source.collect()) this.set(sample.labels, sample.value);
        },
      });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** prom-client would throw on NaN or a negative increment; observing never throws, so such values are skipped. */
function isAmount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

/**
 * prom-client maps label values to a child series on every `labels()` call (an object, validation, a hash);
 * observing runs for every request, so each child is looked up once per distinct label values and kept.
 */
function cachedChildren<Child>(metric: {
  labels(...values: string[]): Child;
}): (...values: string[]) => Child {
  const children = new Map<string, Child>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = metric.labels(...values);
      children.set(key, child);
    }
    return child;
  };
}
