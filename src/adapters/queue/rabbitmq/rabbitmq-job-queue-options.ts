import { SlipwayError } from '../../../core/errors.js';

export interface RabbitMqJobQueueOptions {
  /** amqp://user:password@host:port/vhost */
  url: string;
  /** Starts every queue and exchange name, so that deployments (and test runs) sharing a broker stay apart. */
  prefix: string;
  /** Publishes in flight awaiting the broker's confirm at once; at least 100 (one at a time is ~6x slower). */
  confirmWindow: number;
  /** The most deliveries a consumer holds unacknowledged; a consumer's prefetch is min(concurrency, prefetch). */
  prefetch: number;
  /** Deliveries before a job is dead-lettered, for jobs enqueued without `maxAttempts`. */
  defaultMaxAttempts: number;
  /** Retry delay after a failed attempt: baseMs, doubling per attempt, at most maxMs. */
  backoff: { baseMs: number; maxMs: number };
  /** Delay between reconnection attempts after a lost connection: baseMs, doubling, at most maxMs. */
  reconnect: { baseMs: number; maxMs: number };
  /**
   * The longest `enqueue` waits for the broker (a connection, the queues' declaration, every confirm) before it
   * rejects with `upstream_unavailable`: a request that enqueues fails fast instead of hanging while the broker is
   * unreachable or blocks publishers. `stats` and `listDeadLetters` keep to the same deadline.
   */
  publishTimeoutMs: number;
  logError: (message: string, error: unknown) => void;
}

const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Checks and freezes the options once, on open: a bad value is a configuration error, not a broker error. */
export function parseRabbitMqJobQueueOptions(
  options: RabbitMqJobQueueOptions,
): Readonly<RabbitMqJobQueueOptions> {
  if (!NAME_PART.test(options.prefix)) {
    throw invalid(
      `queue.rabbitmq.prefix must match ${NAME_PART.source}, got ${JSON.stringify(options.prefix)}`,
    );
  }
  if (!Number.isInteger(options.confirmWindow) || options.confirmWindow < 100) {
    throw invalid(`queue.rabbitmq.confirmWindow must be an integer >= 100, got ${options.confirmWindow}`);
  }
  requirePositiveInteger('prefetch', options.prefetch);
  requirePositiveInteger('defaultMaxAttempts', options.defaultMaxAttempts);
  requirePositiveInteger('publishTimeoutMs', options.publishTimeoutMs);
  for (const [key, range] of [
    ['backoff', options.backoff],
    ['reconnect', options.reconnect],
  ] as const) {
    requirePositiveInteger(`${key}.baseMs`, range.baseMs);
    requirePositiveInteger(`${key}.maxMs`, range.maxMs);
    if (range.maxMs < range.baseMs) throw invalid(`queue.rabbitmq.${key}.maxMs must be >= ${key}.baseMs`);
  }
  return Object.freeze({
    ...options,
    backoff: Object.freeze({ ...options.backoff }),
    reconnect: Object.freeze({ ...options.reconnect }),
  });
}

/** Job names become queue names, so they keep to characters every AMQP tool shows plainly. */
export function assertJobName(name: string): void {
  if (!NAME_PART.test(name)) {
    throw new SlipwayError(
      'invalid_request',
      `Job name must match ${NAME_PART.source}, got ${JSON.stringify(name)}`,
      {
        param: 'name',
      },
    );
  }
}

function requirePositiveInteger(key: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw invalid(`queue.rabbitmq.${key} must be a positive integer, got ${value}`);
}

function invalid(message: string): SlipwayError {
  return new SlipwayError('invalid_request', message);
}
