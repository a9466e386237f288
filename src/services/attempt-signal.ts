import { SlipwayError, toSlipwayError } from '../core/errors.js';

/** The error of a request whose client went away. */
export function clientClosedError(): SlipwayError {
  return new SlipwayError('client_closed', 'The client closed the request');
}

/**
 * The abort signal of one upstream attempt. It aborts when the client's signal does (reason `client_closed`) or
 * when one of the attempt's deadlines passes (reason `timeout`, retryable), and it remembers why: whatever a
 * provider throws once aborted is replaced by that reason, so the attempt loop sees one consistent error.
 * @example const attempt = new AttemptSignal(clientSignal); attempt.deadline(30_000, 'No response'); try { … } finally { attempt.dispose(); }
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly aborted: Promise<never>;
  private readonly onClientAbort = (): void => this.abort(clientClosedError());

  constructor(private readonly clientSignal: AbortSignal) {
    this.aborted = new Promise<never>((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(this.controller.signal.reason), {
        once: true,
      });
    });
    // Nobody may be racing when the abort comes; the rejection is still observed through `race`.
    this.aborted.catch(() => undefined);
    if (clientSignal.aborted) this.abort(clientClosedError());
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts with a retryable `timeout` after `ms`. Returns a function that lifts this deadline. */
  deadline(ms: number, message: string): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.abort(new SlipwayError('timeout', message, { retryable: true }));
    }, ms);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Aborts now with this reason, unless already aborted (the first reason wins). */
  abort(reason: SlipwayError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /**
   * Settles like `promise`, or rejects with the abort reason as soon as the signal aborts, so that a deadline
   * holds even when a provider does not honour its signal.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.aborted]);
  }

  /** The error an attempt ended with: the abort reason when the signal aborted, else what was thrown. */
  explain(error: unknown): SlipwayError {
    if (this.clientSignal.aborted) return clientClosedError();
    if (this.controller.signal.aborted) return toSlipwayError(this.controller.signal.reason);
    return toSlipwayError(error);
  }

  /** Lifts every deadline and stops listening to the client's signal. Idempotent. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}
