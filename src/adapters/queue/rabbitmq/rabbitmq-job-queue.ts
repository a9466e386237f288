import { JOB_CATALOG } from '../../../jobs/job-catalog.js';
import type {
  ConsumeOptions,
  DeadLetter,
  JobConsumer,
  JobHandler,
  JobQueue,
  JobQueueStats,
  QueuedJob,
} from '../../../ports/job-queue.js';
import type { Channel, GetMessage } from 'amqplib';
import { SlipwayError } from '../../../core/errors.js';
import { BrokerDeadline } from './rabbitmq-broker-deadline.js';
import { RabbitMqConnection } from './rabbitmq-connection.js';
import { RabbitMqConsumer } from './rabbitmq-consumer.js';
import { chooseDelayTier, computeRetryBackoff } from './rabbitmq-delay.js';
import {
  decodeDeadLetter,
  decodeJob,
  encodeJob,
  envelopeOf,
  JOB_HEADERS,
  type JobEnvelope,
} from './rabbitmq-job-message.js';
import {
  assertJobName,
  parseRabbitMqJobQueueOptions,
  type RabbitMqJobQueueOptions,
} from './rabbitmq-job-queue-options.js';
import { RabbitMqPublisher, type OutboundMessage } from './rabbitmq-publisher.js';
import { RabbitMqTopology } from './rabbitmq-topology.js';

/**
 * Opens the RabbitMQ job queue: one quorum work queue and one dead-letter queue per job name (declared on first
 * use), persistent messages published with confirms, manual acknowledgements after the handler, retries with
 * backoff through delay tiers, and reconnection with re-publishing of unconfirmed messages. Rejects when the
 * broker cannot be reached at start-up; after that, a lost connection is retried for ever, while an `enqueue` gives
 * up after `publishTimeoutMs`.
 * @example const queue = await openRabbitMqJobQueue({ url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'slipway',
 *   confirmWindow: 200, prefetch: 50, defaultMaxAttempts: 5, backoff: { baseMs: 500, maxMs: 60_000 },
 *   reconnect: { baseMs: 100, maxMs: 10_000 }, publishTimeoutMs: 10_000, logError: (message, error) => logger.error({ err: error }, message) });
 */
export async function openRabbitMqJobQueue(options: RabbitMqJobQueueOptions): Promise<JobQueue> {
  const settings = parseRabbitMqJobQueueOptions(options);
  const connection = await RabbitMqConnection.open(settings);
  return new RabbitMqJobQueue(settings, connection);
}

class RabbitMqJobQueue implements JobQueue {
  readonly kind = 'rabbitmq';
  private readonly publisher: RabbitMqPublisher;
  private readonly topology: RabbitMqTopology;
  private readonly consumers = new Set<RabbitMqConsumer>();
  private readonly seenNames = new Set<string>(Object.keys(JOB_CATALOG));
  private closing: Promise<void> | null = null;

  constructor(
    private readonly settings: Readonly<RabbitMqJobQueueOptions>,
    private readonly connection: RabbitMqConnection,
  ) {
    this.publisher = new RabbitMqPublisher(settings);
    this.topology = new RabbitMqTopology(settings.prefix, () => connection.whenConnected());
    connection.onConnect((model) => this.publisher.attach(model));
  }

  async enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    this.assertOpen();
    for (const job of jobs) assertJobName(job.name);
    const deadline = this.deadline(
      'the jobs were not all confirmed; some may still be queued, so enqueue them again with the same ids',
    );
    try {
      const names = new Set(jobs.map((job) => job.name));
      await deadline.race(Promise.all([...names].map((name) => this.topology.ensureJobQueues(name))));
      for (const name of names) this.seenNames.add(name);
      const now = Date.now();
      // Every message is handed to the publisher before any confirm is awaited: the confirm window stays full.
      const confirmed = jobs.map((job) =>
        this.route(envelopeOf(job, { now, defaultMaxAttempts: this.settings.defaultMaxAttempts }), deadline),
      );
      await Promise.all(confirmed);
    } finally {
      deadline.clear();
    }
  }

  async consume(name: string, handle: JobHandler, options: ConsumeOptions): Promise<JobConsumer> {
    this.assertOpen();
    assertJobName(name);
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new SlipwayError(
        'invalid_request',
        `concurrency must be a positive integer, got ${options.concurrency}`,
      );
    }
    await this.topology.ensureJobQueues(name);
    this.seenNames.add(name);
    const consumer = new RabbitMqConsumer({
      queue: this.topology.workQueue(name),
      name,
      prefetch: Math.min(options.concurrency, this.settings.prefetch),
      defaultMaxAttempts: this.settings.defaultMaxAttempts,
      handle,
      routing: {
        republish: (envelope) => this.route(envelope),
        deadLetter: (envelope, reason) => this.deadLetter(envelope, reason),
        retryAt: (envelope) => Date.now() + computeRetryBackoff(envelope.attempt, this.settings.backoff),
        now: () => Date.now(),
        logError: this.settings.logError,
      },
    });
    this.consumers.add(consumer);
    const stopAttaching = this.connection.onConnect((model) => consumer.attach(model));
    return {
      close: async () => {
        stopAttaching();
        await consumer.close();
        this.consumers.delete(consumer);
      },
    };
  }

  /**
   * `ready` and `deadLettered` come from a passive declare of each queue (it answers with the count of messages
   * ready to deliver); `inFlight` counts the jobs this process's consumers are running, since AMQP does
   * not report unacknowledged messages; `delayed` is null, as messages in delay tiers are shared by every name.
   */
  async stats(): Promise<JobQueueStats[]> {
    this.assertOpen();
    const deadline = this.deadline('no queue statistics');
    try {
      return await deadline.race(this.readStats());
    } finally {
      deadline.clear();
    }
  }

  private async readStats(): Promise<JobQueueStats[]> {
    const names = [...this.seenNames].sort();
    await Promise.all(names.map((name) => this.topology.ensureJobQueues(name)));
    const model = await this.connection.whenConnected();
    const channel = await model.createChannel();
    try {
      const stats: JobQueueStats[] = [];
      for (const name of names) {
        const work = await channel.checkQueue(this.topology.workQueue(name));
        const dead = await channel.checkQueue(this.topology.deadLetterQueue(name));
        let inFlight = 0;
        for (const consumer of this.consumers) if (consumer.name === name) inFlight += consumer.handling;
        stats.push({
          name,
          ready: work.messageCount,
          delayed: null,
          inFlight,
          deadLettered: dead.messageCount,
        });
      }
      return stats;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * Reads dead letters without removing them: each is fetched with `basic.get` unacknowledged and all are
   * returned (nack with requeue) once the page is read. While a listing runs, those messages are invisible to
   * another listing or a redrive.
   */
  async listDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]> {
    this.assertOpen();
    const deadline = this.deadline('the dead letters could not be read');
    try {
      return await deadline.race(this.readDeadLetters(query));
    } finally {
      deadline.clear();
    }
  }

  private async readDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]> {
    const names = query.name === undefined ? [...this.seenNames].sort() : [query.name];
    const letters: DeadLetter[] = [];
    for (const name of names) {
      if (letters.length >= query.limit) break;
      assertJobName(name);
      await this.topology.ensureJobQueues(name);
      await this.withHeldDeadLetters(name, query.limit - letters.length, async (messages) => {
        for (const message of messages) letters.push(decodeDeadLetter(message, name));
        return [];
      });
    }
    return letters;
  }

  /** Publishes each matching dead letter to its work queue as attempt 1 and only then removes it (ack). */
  async redrive(query: { name?: string; ids?: readonly string[] }): Promise<number> {
    this.assertOpen();
    const ids = query.ids === undefined ? undefined : new Set(query.ids);
    const names = query.name === undefined ? [...this.seenNames].sort() : [query.name];
    let redriven = 0;
    for (const name of names) {
      assertJobName(name);
      await this.topology.ensureJobQueues(name);
      await this.withHeldDeadLetters(name, Number.POSITIVE_INFINITY, async (messages) => {
        const chosen = messages.filter((message) => !ids || ids.has(String(message.properties.messageId)));
        await Promise.all(
          chosen.map((message) => {
            const envelope = decodeJob(message, { name, maxAttempts: this.settings.defaultMaxAttempts });
            return this.route({ ...envelope, attempt: 1, notBefore: undefined, enqueuedAt: Date.now() });
          }),
        );
        redriven += chosen.length;
        return chosen;
      });
    }
    return redriven;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((consumer) => consumer.close()));
      this.consumers.clear();
      await this.publisher.close();
      await this.connection.close();
    })();
    return this.closing;
  }

  /**
   * Publishes a job to its work queue, or to a delay tier when it is not due yet; resolves once confirmed. Only
   * an enqueue passes a deadline: a consumer's re-publish and a redrive hold their message unacknowledged until
   * the broker confirms, so waiting for it loses nothing.
   */
  private async route(envelope: JobEnvelope, deadline?: BrokerDeadline): Promise<void> {
    const tier = envelope.notBefore === undefined ? null : chooseDelayTier(envelope.notBefore - Date.now());
    const encoded = encodeJob(envelope);
    const workQueue = this.topology.workQueue(envelope.name);
    if (tier === null) {
      return this.publisher.publish({ exchange: '', routingKey: workQueue, ...encoded }, deadline?.signal);
    }
    const declared = this.topology.ensureDelayTier(tier);
    await (deadline ? deadline.race(declared) : declared);
    // The routing key is the work queue: the tier dead-letters the expired message under it, back to that queue.
    return this.publisher.publish(
      { exchange: this.topology.delayExchange(tier), routingKey: workQueue, ...encoded },
      deadline?.signal,
    );
  }

  private deadLetter(envelope: JobEnvelope, reason: string): Promise<void> {
    const encoded = encodeJob(envelope, {
      [JOB_HEADERS.reason]: reason,
      [JOB_HEADERS.deadLetteredAt]: Date.now(),
    });
    const message: OutboundMessage = {
      exchange: '',
      routingKey: this.topology.deadLetterQueue(envelope.name),
      ...encoded,
    };
    return this.publisher.publish(message);
  }

  /**
   * Fetches up to `limit` dead letters of `name` unacknowledged, lets `use` choose which to remove, acks those
   * and puts the rest back.
   */
  private async withHeldDeadLetters(
    name: string,
    limit: number,
    use: (messages: GetMessage[]) => Promise<GetMessage[]>,
  ): Promise<void> {
    const model = await this.connection.whenConnected();
    const channel = await model.createChannel();
    try {
      const queue = this.topology.deadLetterQueue(name);
      // Not bounded by checkQueue's messageCount: a quorum queue reports it from metrics that lag behind a
      // confirmed publish (a dead letter just written read as 0). Held messages stay unacknowledged until the
      // end, so `get` cannot return one twice, and it answers false once the queue holds no other.
      const held: GetMessage[] = [];
      while (held.length < limit) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        held.push(message);
      }
      const removed = new Set(await use(held));
      for (const message of held) {
        if (removed.has(message)) channel.ack(message);
        else channel.nack(message, false, true);
      }
      await untilPutBack(channel, queue, held.length - removed.size);
    } finally {
      // Closing the channel also puts back anything still held if `use` threw.
      await channel.close().catch(() => undefined);
    }
  }

  private deadline(failure: string): BrokerDeadline {
    return new BrokerDeadline({ timeoutMs: this.settings.publishTimeoutMs, url: this.settings.url, failure });
  }

  private assertOpen(): void {
    if (this.closing) throw new SlipwayError('upstream_unavailable', 'The RabbitMQ job queue is closed');
  }
}

const PUT_BACK_POLL_MS = 10;
const PUT_BACK_WAIT_MS = 2_000;

/**
 * Waits until the queue counts at least `kept` ready messages again. A quorum queue applies a nack with requeue
 * through its Raft log after the nack is sent, so a listing right after this one could otherwise find the
 * put-back dead letters missing (seen in the model test). Gives up quietly after PUT_BACK_WAIT_MS: the messages
 * are back by then in all but a broker in trouble, which the next call reports.
 */
async function untilPutBack(channel: Channel, queue: string, kept: number): Promise<void> {
  if (kept <= 0) return;
  const giveUpAt = Date.now() + PUT_BACK_WAIT_MS;
  while (Date.now() < giveUpAt) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount >= kept) return;
    await new Promise((resolve) => setTimeout(resolve, PUT_BACK_POLL_MS));
  }
}
