import { setMaxListeners } from 'node:events';
import { SlipwayError } from '../../../core/errors.js';

/**
 * The deadline of one call that something waits on: an `enqueue` (an API request), `stats` (a status page, the
 * gauges of `/metrics`, whose shutdown waits for a refresh in progress), a dead-letter listing. Without it such a
 * call waits as long as the broker is unreachable, since the connection recovers for ever. When the deadline
 * passes, `signal` aborts with a retryable `upstream_unavailable` error naming the broker. For an enqueue, the
 * publisher then drops the messages it had not yet sent, while those already written to a channel may still be
 * confirmed later, which job ids (idempotency keys) make harmless.
 */
export class BrokerDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  /** `failure` completes "RabbitMQ at host:port …" for the error's message. */
  constructor(options: { timeoutMs: number; url: string; failure: string }) {
    const broker = describeBroker(options.url);
    // Each message of the enqueue listens for the deadline: a batch of hundreds is expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    this.timer = setTimeout(() => {
      this.controller.abort(
        new SlipwayError(
          'upstream_unavailable',
          `RabbitMQ at ${broker} did not answer within ${options.timeoutMs} ms (unreachable or blocking ` +
            `publishers): ${options.failure}`,
          { retryable: true },
        ),
      );
    }, options.timeoutMs);
  }

  /** Aborts, with the deadline's error as its reason, once the deadline passes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles as `work` does, or rejects with the deadline's error if that comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error as Error);
        },
      );
    });
  }

  /** Stops the timer once the call has settled. */
  clear(): void {
    clearTimeout(this.timer);
  }
}

/** host:port of the broker, without the credentials the URL carries. */
function describeBroker(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'amqps:' ? '5671' : '5672');
    return `${parsed.hostname}:${port}`;
  } catch {
    return 'the configured URL';
  }
}
