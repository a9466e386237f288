import type { GaugeSource } from '../ports/metrics.js';
import type { QueueStatus, QueueStatusReport } from './queue-status.js';

/** Prometheus gauges of the queue, and the timer that keeps their snapshot fresh. */
export interface QueueGauges {
  sources: GaugeSource[];
  /** Reads the queue once now (the first scrape then has figures) and then every `intervalMs`. */
  start(): Promise<void>;
  /** Stops refreshing; resolves once a refresh under way has settled (the queue may close after). */
  close(): Promise<void>;
}

/**
 * Queue depth, dead letters and live workers for `/metrics`. A scrape must not wait on the queue or the store
 * (GaugeSource.collect is synchronous), so the gauges show a snapshot refreshed in the background every
 * `intervalMs` and after each scrape (so the next scrape is at most one scrape behind); a failed refresh keeps
 * the previous snapshot and is logged.
 * @example const gauges = makeQueueGauges({ status, intervalMs: 5_000, logError }); gauges.sources.forEach(metrics.registerGauge);
 */
export function makeQueueGauges(deps: {
  status: Pick<QueueStatus, 'status'>;
  intervalMs: number;
  logError(message: string, error: unknown): void;
}): QueueGauges {
  let snapshot: QueueStatusReport | null = null;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    try {
      snapshot = await deps.status.status();
    } catch (error) {
      deps.logError('reading the queue status for metrics failed', error);
    }
  };
  let refreshing: Promise<void> | undefined;
  const refreshSoon = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
  };
  const jobs = () => snapshot?.jobs ?? [];
  return {
    sources: [
      {
        name: 'slipway_queue_depth',
        help: 'Jobs in the queue by job name and state: ready, delayed (waiting for a retry) or in_flight.',
        labelNames: ['name', 'state'],
        collect: () => {
          refreshSoon();
          return jobs().flatMap((stats) => [
            { labels: { name: stats.name, state: 'ready' }, value: stats.ready },
            ...(stats.delayed === null
              ? []
              : [{ labels: { name: stats.name, state: 'delayed' }, value: stats.delayed }]),
            { labels: { name: stats.name, state: 'in_flight' }, value: stats.inFlight },
          ]);
        },
      },
      {
        name: 'slipway_queue_dead_letters',
        help: 'Dead-lettered jobs by job name, waiting to be inspected or re-driven (slipway queue redrive).',
        labelNames: ['name'],
        collect: () => jobs().map((stats) => ({ labels: { name: stats.name }, value: stats.deadLettered })),
      },
      {
        name: 'slipway_workers_alive',
        help: 'Worker processes whose heartbeat is recent.',
        labelNames: [],
        collect: () => (snapshot === null ? [] : [{ labels: {}, value: snapshot.workers.length }]),
      },
    ],
    async start() {
      await refresh();
      clearInterval(timer);
      timer = setInterval(refreshSoon, deps.intervalMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await refreshing;
    },
  };
}
