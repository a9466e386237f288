import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { JobConsumer, JobHandler } from '../../../ports/job-queue.js';
import { decodeJob, deliveryOf, type JobEnvelope } from './rabbitmq-job-message.js';

/** What a consumer asks of the queue: re-publishing a job for later, or to the dead letters. */
interface ConsumerRouting {
  /** Publishes the job again to be delivered at `envelope.notBefore` (or now); resolves once confirmed. */
  republish(envelope: JobEnvelope): Promise<void>;
  /** Publishes the job to its dead-letter queue with `reason`; resolves once confirmed. */
  deadLetter(envelope: JobEnvelope, reason: string): Promise<void>;
  /** When a failed attempt should be tried again (epoch ms). */
  retryAt(envelope: JobEnvelope): number;
  now(): number;
  logError: (message: string, error: unknown) => void;
}

interface ConsumerSettings {
  /** The work queue to consume. */
  queue: string;
  /** The job name, for messages that lack the name header. */
  name: string;
  prefetch: number;
  defaultMaxAttempts: number;
  handle: JobHandler;
  routing: ConsumerRouting;
}

interface InHand {
  channel: Channel;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Consumes one work queue with manual acknowledgements and a prefetch of `prefetch`, on a channel of its own that
 * is opened again on every new connection. A delivery is acknowledged only after its handler resolved (or after
 * its retry or dead letter was confirmed), and only on the channel it came from: when that channel is gone the
 * handler's signal aborts and its outcome is dropped, since the broker redelivers the job anyway and an old
 * delivery tag would close the new channel (PRECONDITION_FAILED - unknown delivery tag).
 */
export class RabbitMqConsumer implements JobConsumer {
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private readonly inHand = new Set<InHand>();
  private closing: Promise<void> | null = null;

  private readonly queue: string;
  private readonly handle: JobHandler;
  private readonly routing: ConsumerRouting;

  constructor(private readonly settings: ConsumerSettings) {
    this.queue = settings.queue;
    this.handle = settings.handle;
    this.routing = settings.routing;
  }

  get name(): string {
    return this.settings.name;
  }

  /** Jobs this consumer is running now. */
  get handling(): number {
    return this.inHand.size;
  }

  async attach(model: ChannelModel): Promise<void> {
    if (this.closing) return;
    const channel = await model.createChannel();
    channel.on('error', (error: unknown) =>
      this.routing.logError(`RabbitMQ consumer channel of ${this.queue} failed`, error),
    );
    channel.on('close', () => this.lose(channel));
    await channel.prefetch(this.settings.prefetch);
    if (this.closing) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.channel = channel;
    const { consumerTag } = await channel.consume(
      this.queue,
      (message) => {
        if (message) this.receive(channel, message);
        // A null message is the broker cancelling the consumer (its queue was deleted); nothing to run.
        else this.routing.logError(`RabbitMQ cancelled the consumer of ${this.queue}`, undefined);
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  /**
   * Stops taking deliveries, aborts the signals of the jobs in hand and waits for them: a job whose handler still
   * resolved is acknowledged, one that threw is given back unchanged. Then closes the channel.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    for (const job of this.inHand) job.controller.abort(new Error('The job consumer is closing'));
    await Promise.allSettled([...this.inHand].map((job) => job.done));
    this.channel = null;
    await channel?.close().catch(() => undefined);
  }

  private lose(channel: Channel): void {
    if (this.channel === channel) {
      this.channel = null;
      this.consumerTag = null;
    }
    for (const job of this.inHand) {
      if (job.channel === channel)
        job.controller.abort(new Error('The RabbitMQ channel was lost; the job is redelivered'));
    }
  }

  private receive(channel: Channel, message: ConsumeMessage): void {
    const controller = new AbortController();
    const job: InHand = { channel, controller, done: Promise.resolve() };
    job.done = this.run(channel, message, controller.signal)
      .catch((error: unknown) =>
        this.routing.logError(`Settling a job of ${this.queue} failed; it is redelivered`, error),
      )
      .finally(() => this.inHand.delete(job));
    this.inHand.add(job);
  }

  private async run(channel: Channel, message: ConsumeMessage, signal: AbortSignal): Promise<void> {
    let envelope: JobEnvelope;
    try {
      envelope = decodeJob(message, {
        name: this.settings.name,
        maxAttempts: this.settings.defaultMaxAttempts,
      });
    } catch (error) {
      const unreadable = {
        id: String(message.properties.messageId ?? ''),
        name: this.settings.name,
        payload: message.content.toString('utf8'),
        attempt: 1,
        maxAttempts: 1,
        enqueuedAt: 0,
        notBefore: undefined,
      };
      await this.routing.deadLetter(unreadable, `Unreadable message: ${errorMessage(error)}`);
      return this.ack(channel, message);
    }
    if (envelope.notBefore !== undefined && envelope.notBefore > this.routing.now()) {
      // Back early from a delay tier (or enqueued with a notBefore): park it again for the rest of its wait.
      await this.routing.republish(envelope);
      return this.ack(channel, message);
    }
    if (envelope.attempt > envelope.maxAttempts) {
      await this.routing.deadLetter(
        { ...envelope, attempt: envelope.attempt - 1 },
        `No outcome after ${envelope.attempt - 1} deliveries (the worker crashed or lost its connection)`,
      );
      return this.ack(channel, message);
    }
    try {
      await this.handle(deliveryOf(envelope), signal);
    } catch (error) {
      // The channel is gone: the broker redelivers the job, and this delivery's tag is void.
      if (this.channel !== channel) return;
      if (signal.aborted) {
        // Interrupted by close, not failed: give the job back as it was. A nack would count as a delivery.
        await this.routing.republish(envelope);
        return this.ack(channel, message);
      }
      if (envelope.attempt >= envelope.maxAttempts) {
        await this.routing.deadLetter(envelope, errorMessage(error));
      } else {
        await this.routing.republish({
          ...envelope,
          attempt: envelope.attempt + 1,
          notBefore: this.routing.retryAt(envelope),
        });
      }
    }
    this.ack(channel, message);
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    if (this.channel !== channel) return;
    try {
      channel.ack(message);
    } catch (error) {
      this.routing.logError(`Acknowledging a job of ${this.queue} failed; it is redelivered`, error);
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
