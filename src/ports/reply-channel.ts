import type { ReceivedFrame, ReplyAddress, ReplyFrame } from '../core/reply-frame.js';

/** The API side of one queued request: frames arrive at `address` until `close`. */
export interface ReplyReceiver {
  readonly address: ReplyAddress;
  /**
   * Tells the run `runId` (or every run that sent frames, when absent) to stop: its sender's signal aborts.
   * Best effort and at most once per run; frames already on their way still arrive until `close`.
   */
  cancel(runId?: string): void;
  /** Stops receiving; frames sent afterwards are dropped and their senders told to stop. Idempotent. */
  close(): void;
}

/** The worker side of one run of a queued request. */
export interface ReplySender {
  /**
   * Aborts when the receiver cancels this run, closed its request, or is gone (its process died), and when
   * the channel itself is lost: the run should stop, as nobody will read its frames.
   */
  readonly signal: AbortSignal;
  /** Frames of one sender arrive in the order sent, or not at all once `signal` has aborted. Never throws. */
  send(frame: ReplyFrame): void;
  /** Releases what the sender holds (its cancel subscription). Idempotent. */
  close(): void;
}

/**
 * The reply path of queued dispatch: the job carries the receiver's address; the worker that runs the job
 * streams frames back to it, and the receiver can cancel the run.
 *
 * Contract (test/contract/reply-channel.contract.ts runs it on every adapter):
 * - Frames from one sender arrive at the receiver in the order sent, each with the sender's `runId`.
 * - `cancel` aborts the signal of the runs that sent frames to the receiver (and of any that send later).
 * - `attach` to an address whose receiver is closed or gone yields a sender whose signal aborts (at once for
 *   the in-process adapter; once the broker reports the address gone for RabbitMQ).
 * - Delivery is at most once: a lost connection loses frames, and the senders and receivers that used it
 *   see their signal abort or their `onLost` called, never a silent gap.
 * @example const receiver = await channel.open((received) => inbox.push(received), () => inbox.fail());
 * await queue.enqueue([{ id, name: 'inference.chat', payload: { reply: receiver.address, … } }]);
 * // in the worker: const sender = await channel.attach(payload.reply, runId); sender.send({ kind: 'start' });
 */
export interface ReplyChannel {
  /**
   * Opens a receiver for one request. `onFrame` gets every frame sent to it; `onLost` is called once if the
   * channel under it is lost (frames may have been dropped).
   */
  open(onFrame: (received: ReceivedFrame) => void, onLost: () => void): Promise<ReplyReceiver>;
  /** Opens a sender of the run `runId` to a receiver's address. */
  attach(address: ReplyAddress, runId: string): Promise<ReplySender>;
  /** Closes every receiver and sender of this process and releases the connection. Idempotent. */
  close(): Promise<void>;
}
