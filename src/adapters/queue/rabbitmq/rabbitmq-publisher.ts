import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { SlipwayError } from '../../../core/errors.js';

/** One message to publish: where, and what. */
export interface OutboundMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

interface Pending {
  message: OutboundMessage;
  /** The channel it was last published on; null while it waits to be (re-)published. */
  channel: ConfirmChannel | null;
  returned: boolean;
  /** Its enqueue's deadline passed: it was rejected, and is neither sent nor published again after a loss. */
  abandoned: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Ties a `basic.return` to its publish: the broker returns the message with the headers it was sent with. */
const PUBLISH_SEQUENCE_HEADER = 'x-slipway-publish-sequence';

/**
 * Publishes over one confirm channel with up to `confirmWindow` messages awaiting their confirm, and resolves each
 * message's promise once the broker confirmed it. Every message sent and not yet confirmed stays in a map by
 * publish sequence; when the channel is lost (a cut connection, a broker restart) those messages go back to the
 * head of the waiting line, in their order, and are published again on the next channel. The broker may so
 * receive a message twice (its confirm was lost with the connection): delivery is at least once.
 */
export class RabbitMqPublisher {
  private channel: ConfirmChannel | null = null;
  private readonly waiting: Pending[] = [];
  private readonly unconfirmed = new Map<number, Pending>();
  private nextSequence = 1;
  private drained = true;
  private closed = false;

  constructor(
    private readonly options: { confirmWindow: number; logError: (message: string, error: unknown) => void },
  ) {}

  /** Opens a confirm channel on a new connection and re-publishes what the previous channel left unconfirmed. */
  async attach(model: ChannelModel): Promise<void> {
    if (this.closed) return;
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: unknown) => this.options.logError('RabbitMQ publish channel failed', error));
    channel.on('close', () => this.detach(channel));
    channel.on('return', (message: { properties: Options.Publish }) => {
      const pending = this.unconfirmed.get(Number(message.properties.headers?.[PUBLISH_SEQUENCE_HEADER]));
      if (pending) pending.returned = true;
    });
    channel.on('drain', () => {
      this.drained = true;
      this.pump();
    });
    this.channel = channel;
    this.drained = true;
    this.pump();
  }

  /**
   * Resolves once the broker confirmed the message; rejects when it refused (nack) or could not route it, or with
   * `deadline`'s reason once that aborts. A message abandoned at its deadline and not yet sent is dropped; one
   * already written to the channel may still reach the queue.
   */
  publish(message: OutboundMessage, deadline?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    if (deadline?.aborted) return Promise.reject(deadline.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = { message, channel: null, returned: false, abandoned: false, resolve, reject };
      // Marked rather than spliced out of the waiting line: an outage can leave thousands waiting.
      deadline?.addEventListener(
        'abort',
        () => {
          pending.abandoned = true;
          reject(deadline.reason as Error);
        },
        { once: true },
      );
      this.waiting.push(pending);
      this.pump();
    });
  }

  /** Messages accepted by `publish` and not yet confirmed (waiting or in flight). */
  get outstanding(): number {
    return this.waiting.length + this.unconfirmed.size;
  }

  /** Rejects what is still outstanding and closes the channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = closedError();
    for (const pending of [...this.unconfirmed.values(), ...this.waiting.splice(0)]) pending.reject(error);
    this.unconfirmed.clear();
    const channel = this.channel;
    this.channel = null;
    await channel?.close().catch(() => undefined);
  }

  private pump(): void {
    const channel = this.channel;
    while (
      channel &&
      this.drained &&
      this.waiting.length > 0 &&
      this.unconfirmed.size < this.options.confirmWindow
    ) {
      const pending = this.waiting.shift() as Pending;
      if (pending.abandoned) continue;
      this.send(channel, pending);
      if (this.channel !== channel) return;
    }
  }

  private send(channel: ConfirmChannel, pending: Pending): void {
    const sequence = this.nextSequence++;
    const { exchange, routingKey, content, options } = pending.message;
    pending.channel = channel;
    pending.returned = false;
    this.unconfirmed.set(sequence, pending);
    const headers = { ...options.headers, [PUBLISH_SEQUENCE_HEADER]: sequence };
    try {
      const flowing = channel.publish(
        exchange,
        routingKey,
        content,
        { ...options, headers },
        (error: unknown) => this.settle(sequence, pending, error),
      );
      if (!flowing) this.drained = false;
    } catch (error) {
      // The channel closed under us and its 'close' event is on its way: detach() re-queues this message.
      this.options.logError('RabbitMQ publish failed; the message is published again on reconnect', error);
      this.channel = null;
    }
  }

  private settle(sequence: number, pending: Pending, error: unknown): void {
    if (this.unconfirmed.get(sequence) !== pending) return;
    // A channel closed with the message unconfirmed is not a refusal: detach() publishes it again.
    if (error instanceof Error && error.message !== 'message nacked') return;
    this.unconfirmed.delete(sequence);
    if (error) {
      pending.reject(refused(pending.message, 'refused it (nack)', error));
    } else if (pending.returned) {
      pending.reject(refused(pending.message, 'could not route it (no such queue)', undefined));
    } else {
      pending.resolve();
    }
    this.pump();
  }

  private detach(channel: ConfirmChannel): void {
    if (this.channel === channel) this.channel = null;
    const lost: Pending[] = [];
    for (const [sequence, pending] of this.unconfirmed) {
      if (pending.channel !== channel) continue;
      this.unconfirmed.delete(sequence);
      pending.channel = null;
      if (!pending.abandoned) lost.push(pending);
    }
    this.waiting.unshift(...lost);
  }
}

function refused(message: OutboundMessage, what: string, cause: unknown): SlipwayError {
  const target = message.exchange === '' ? `queue ${message.routingKey}` : `exchange ${message.exchange}`;
  return new SlipwayError(
    'upstream_unavailable',
    `RabbitMQ ${what} for ${target} (job ${message.options.messageId})`,
    {
      cause,
      retryable: true,
    },
  );
}

function closedError(): SlipwayError {
  return new SlipwayError('upstream_unavailable', 'The RabbitMQ job queue is closed', { retryable: false });
}
