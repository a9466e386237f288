import type { ReceivedFrame } from '../core/reply-frame.js';

/**
 * The frames of one queued request, waiting to be read one at a time. `next` resolves with the next frame, or
 * with null when `waitMs` passes first; it rejects when the inbox failed (its channel was lost) or `signal`
 * aborted (the client left), with that reason.
 * @example const received = await inbox.next(1_000, clientSignal); if (received === null) { … silence … }
 */
export class FrameInbox {
  readonly #frames: ReceivedFrame[] = [];
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  push(received: ReceivedFrame): void {
    this.#frames.push(received);
    this.#wake?.();
  }

  /** Fails every read from now on, once the frames already received have been read. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake?.();
  }

  async next(waitMs: number, signal: AbortSignal): Promise<ReceivedFrame | null> {
    for (;;) {
      const received = this.#frames.shift();
      if (received !== undefined) return received;
      if (this.#failure !== undefined) throw this.#failure.error;
      signal.throwIfAborted();
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), Math.max(0, waitMs));
        const onAbort = () => settle(true);
        const settle = (value: boolean) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          this.#wake = undefined;
          resolve(value);
        };
        this.#wake = () => settle(true);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      if (!woken) return null;
    }
  }
}
