import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type Message } from 'amqplib';
import { SlipwayError } from '../../../core/errors.js';
import type { ReceivedFrame, ReplyAddress, ReplyFrame } from '../../../core/reply-frame.js';
import { REPLY_FRAME_SCHEMA } from '../../../jobs/reply-frame-schema.js';
import type { ReplyChannel, ReplyReceiver, ReplySender } from '../../../ports/reply-channel.js';

export interface RabbitMqReplyChannelOptions {
  url: string;
  /** The installation's prefix (`queue.prefix`): reply queues are named `<prefix>.reply.<uuid>`. */
  prefix: string;
  logError(message: string, error: unknown): void;
}

/** The message types on a reply queue: a worker's frame to an API process, or an API process's cancel to a worker. */
const FRAME = 'frame';
const CANCEL = 'cancel';

interface Link {
  model: ChannelModel;
  channel: Channel;
  /** This process's exclusive reply queue: API processes receive frames on it, workers receive cancels. */
  queue: string;
}

interface Inbox {
  onFrame: (received: ReceivedFrame) => void;
  onLost: () => void;
  /** The runs that sent frames, and the queue each one listens for cancels on. */
  runs: Map<string, string>;
  cancelled: Set<string>;
  cancelledAll: boolean;
}

function cancelledError(): SlipwayError {
  return new SlipwayError('client_closed', 'The request was cancelled by the API process');
}

function lostError(): SlipwayError {
  return new SlipwayError('upstream_unavailable', 'The reply channel to RabbitMQ was lost', {
    retryable: true,
  });
}

/**
 * The reply channel of the scale-out mode. Each process declares one exclusive, auto-delete queue of its own
 * (the broker deletes it when the process's connection goes, so a dead process's address stops existing) and
 * consumes it without acknowledgements: replies are as live as the connection that carries them, and are
 * never worth redelivering. Workers publish frames to the API process's queue with the request's correlation
 * id, as mandatory messages, so that a frame for a queue that is gone comes back and stops the run. The API
 * process sends `cancel` messages to the queue a run's frames named as their reply-to. Direct reply-to
 * (`amq.rabbitmq.reply-to`) does not fit: it must be consumed on the channel that published the request, and
 * the request is published by the job queue on its own connection.
 */
export class RabbitMqReplyChannel implements ReplyChannel {
  readonly #options: RabbitMqReplyChannelOptions;
  readonly #inboxes = new Map<string, Inbox>();
  /** Senders by `correlationId runId`. */
  readonly #senders = new Map<string, AbortController>();
  #link: Promise<Link> | undefined;
  #closed = false;

  constructor(options: RabbitMqReplyChannelOptions) {
    this.#options = options;
  }

  async open(onFrame: (received: ReceivedFrame) => void, onLost: () => void): Promise<ReplyReceiver> {
    const link = await this.#connected();
    const correlationId = randomUUID();
    const inbox: Inbox = { onFrame, onLost, runs: new Map(), cancelled: new Set(), cancelledAll: false };
    this.#inboxes.set(correlationId, inbox);
    const address: ReplyAddress = { to: link.queue, correlationId };
    const cancelRuns = (runId: string | undefined) => {
      for (const [id, queue] of inbox.runs) {
        if (runId === undefined || id === runId)
          this.#publish(link, queue, { correlationId, runId: id, type: CANCEL });
      }
    };
    return {
      address,
      cancel: (runId?: string) => {
        if (runId === undefined) inbox.cancelledAll = true;
        else inbox.cancelled.add(runId);
        cancelRuns(runId);
      },
      close: () => {
        if (this.#inboxes.get(correlationId) !== inbox) return;
        this.#inboxes.delete(correlationId);
        if (!inbox.cancelledAll) cancelRuns(undefined);
      },
    };
  }

  async attach(address: ReplyAddress, runId: string): Promise<ReplySender> {
    const link = await this.#connected();
    const key = `${address.correlationId} ${runId}`;
    const controller = new AbortController();
    this.#senders.set(key, controller);
    const { signal } = controller;
    return {
      signal,
      send: (frame: ReplyFrame) => {
        if (signal.aborted) return;
        this.#publish(link, address.to, {
          correlationId: address.correlationId,
          runId,
          type: FRAME,
          body: frame,
        });
      },
      close: () => {
        if (this.#senders.get(key) === controller) this.#senders.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const link = this.#link;
    this.#link = undefined;
    this.#fail(cancelledError());
    if (link === undefined) return;
    const opened = await link.catch(() => undefined);
    await opened?.model.close().catch(() => undefined);
  }

  #connected(): Promise<Link> {
    if (this.#closed)
      return Promise.reject(new SlipwayError('upstream_unavailable', 'The reply channel is closed'));
    this.#link ??= this.#connect().catch((error: unknown) => {
      this.#link = undefined;
      throw new SlipwayError('upstream_unavailable', 'RabbitMQ cannot be reached for replies', {
        retryable: true,
        cause: error,
      });
    });
    return this.#link;
  }

  async #connect(): Promise<Link> {
    const model = await connect(this.#options.url);
    try {
      const channel = await model.createChannel();
      const queue = `${this.#options.prefix}.reply.${randomUUID()}`;
      await channel.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
      const link: Link = { model, channel, queue };
      channel.on('return', (message: Message) => this.#returned(message));
      // A lost connection loses the frames in flight: every request that used it is told, none waits for ever.
      const lose = (error?: Error) => {
        if (this.#closed) return;
        if (this.#link !== undefined)
          void this.#link.then((current) => current === link && this.#lose(error));
      };
      model.on('close', lose);
      model.on('error', (error: Error) => this.#options.logError('RabbitMQ reply connection error', error));
      channel.on('error', (error: Error) => this.#options.logError('RabbitMQ reply channel error', error));
      channel.on('close', lose);
      await channel.consume(queue, (message) => this.#received(link, message), { noAck: true });
      return link;
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
  }

  #lose(error: Error | undefined): void {
    this.#link = undefined;
    this.#options.logError('RabbitMQ reply connection lost', error ?? new Error('closed'));
    this.#fail(lostError());
  }

  #fail(reason: SlipwayError): void {
    const inboxes = [...this.#inboxes.values()];
    this.#inboxes.clear();
    const senders = [...this.#senders.values()];
    this.#senders.clear();
    for (const controller of senders) controller.abort(reason);
    for (const inbox of inboxes) inbox.onLost();
  }

  #publish(
    link: Link,
    queue: string,
    message: { correlationId: string; runId: string; type: string; body?: ReplyFrame },
  ): void {
    try {
      link.channel.sendToQueue(queue, Buffer.from(JSON.stringify(message.body ?? {})), {
        correlationId: message.correlationId,
        type: message.type,
        replyTo: link.queue,
        headers: { runId: message.runId },
        mandatory: true,
        persistent: false,
      });
    } catch (error) {
      // A channel closing under the publish: its close handler fails the requests that used it.
      this.#options.logError('publishing a reply frame failed', error);
    }
  }

  /** A mandatory message nobody could take: the receiver's process is gone, so the run that sent it stops. */
  #returned(message: Message): void {
    if (message.properties.type !== FRAME) return;
    const runId: unknown = message.properties.headers?.runId;
    const key = `${String(message.properties.correlationId)} ${String(runId)}`;
    this.#senders.get(key)?.abort(cancelledError());
  }

  #received(link: Link, message: ConsumeMessage | null): void {
    if (message === null) return;
    const { correlationId, type, replyTo, headers } = message.properties;
    const runId: unknown = headers?.runId;
    if (typeof correlationId !== 'string' || typeof runId !== 'string') return;
    if (type === CANCEL) {
      this.#senders.get(`${correlationId} ${runId}`)?.abort(cancelledError());
      return;
    }
    const inbox = this.#inboxes.get(correlationId);
    const cancelled = inbox === undefined || inbox.cancelledAll || inbox.cancelled.has(runId);
    if (cancelled) {
      // A run of a request that has ended or been cancelled (a late redelivery): tell it to stop.
      if (typeof replyTo === 'string') this.#publish(link, replyTo, { correlationId, runId, type: CANCEL });
      return;
    }
    if (typeof replyTo === 'string' && !inbox.runs.has(runId)) inbox.runs.set(runId, replyTo);
    let frame: ReplyFrame;
    try {
      frame = REPLY_FRAME_SCHEMA.parse(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      this.#options.logError('a reply frame could not be read', error);
      frame = { kind: 'error', error: { code: 'internal_error', message: 'Internal error' } };
    }
    inbox.onFrame({ runId, frame });
  }
}
