import { randomUUID } from 'node:crypto';
import { SlipwayError } from '../../../core/errors.js';
import type { ReceivedFrame, ReplyAddress, ReplyFrame } from '../../../core/reply-frame.js';
import type { ReplyChannel, ReplyReceiver, ReplySender } from '../../../ports/reply-channel.js';

interface Inbox {
  onFrame: (received: ReceivedFrame) => void;
  onLost: () => void;
  senders: Map<string, AbortController>;
  cancelled: Set<string>;
  cancelledAll: boolean;
}

function cancelledError(): SlipwayError {
  return new SlipwayError('client_closed', 'The request was cancelled by the API process');
}

function abortedSender(): ReplySender {
  const controller = new AbortController();
  controller.abort(cancelledError());
  return { signal: controller.signal, send: () => undefined, close: () => undefined };
}

/**
 * The reply channel of the embedded mode, where the workers run in the API process: frames are handed over in
 * memory, in order, on a later microtask (so that a worker never runs the API side's code inside its own call).
 * An address names this process; one from another process (a queue file shared by mistake) is unreachable.
 */
export class InProcessReplyChannel implements ReplyChannel {
  readonly #to = `in-process:${randomUUID()}`;
  readonly #inboxes = new Map<string, Inbox>();

  open(onFrame: (received: ReceivedFrame) => void, onLost: () => void): Promise<ReplyReceiver> {
    const correlationId = randomUUID();
    const inbox: Inbox = { onFrame, onLost, senders: new Map(), cancelled: new Set(), cancelledAll: false };
    this.#inboxes.set(correlationId, inbox);
    const address: ReplyAddress = { to: this.#to, correlationId };
    return Promise.resolve({
      address,
      cancel: (runId?: string) => {
        if (runId === undefined) inbox.cancelledAll = true;
        else inbox.cancelled.add(runId);
        for (const [id, controller] of inbox.senders) {
          if (runId === undefined || id === runId) controller.abort(cancelledError());
        }
      },
      close: () => {
        if (this.#inboxes.get(correlationId) !== inbox) return;
        this.#inboxes.delete(correlationId);
        for (const controller of inbox.senders.values()) controller.abort(cancelledError());
      },
    });
  }

  attach(address: ReplyAddress, runId: string): Promise<ReplySender> {
    const inbox = address.to === this.#to ? this.#inboxes.get(address.correlationId) : undefined;
    if (inbox === undefined || inbox.cancelledAll || inbox.cancelled.has(runId)) {
      return Promise.resolve(abortedSender());
    }
    const controller = new AbortController();
    inbox.senders.set(runId, controller);
    const { signal } = controller;
    return Promise.resolve({
      signal,
      send: (frame: ReplyFrame) => {
        if (signal.aborted) return;
        queueMicrotask(() => {
          if (!signal.aborted) inbox.onFrame({ runId, frame });
        });
      },
      close: () => {
        if (inbox.senders.get(runId) === controller) inbox.senders.delete(runId);
      },
    });
  }

  close(): Promise<void> {
    const inboxes = [...this.#inboxes.values()];
    this.#inboxes.clear();
    for (const inbox of inboxes) {
      for (const controller of inbox.senders.values()) controller.abort(cancelledError());
      inbox.onLost();
    }
    return Promise.resolve();
  }
}
