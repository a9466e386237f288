import type { ChannelModel } from 'amqplib';

/**
 * A quorum queue dead-letters a message that was returned to it this many times (each lost channel or
 * connection counts) whatever our own attempt header says: a backstop for a message that kills its consumer
 * before the consumer's own count runs. Fixed rather than configured because RabbitMQ refuses to redeclare a
 * queue with different arguments.
 */
const BROKER_DELIVERY_LIMIT = 50;

/** The names of the queues and exchanges of one deployment (its prefix). */
export class RabbitMqTopology {
  private readonly declared = new Map<string, Promise<void>>();

  constructor(
    private readonly prefix: string,
    private readonly whenConnected: () => Promise<ChannelModel>,
  ) {}

  workQueue(name: string): string {
    return `${this.prefix}.${name}`;
  }

  deadLetterQueue(name: string): string {
    return `${this.prefix}.${name}.dead`;
  }

  delayExchange(tierMs: number): string {
    return `${this.prefix}.delay.${tierMs}`;
  }

  /**
   * Declares a job name's quorum work queue and its dead-letter queue, once per process (declaring is idempotent
   * on the broker, so other processes may do it too). A failed declaration is forgotten and tried again on next use.
   */
  ensureJobQueues(name: string): Promise<void> {
    return this.once(`job:${name}`, async (model) => {
      const channel = await model.createChannel();
      try {
        await channel.assertQueue(this.deadLetterQueue(name), {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
        await channel.assertQueue(this.workQueue(name), {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-delivery-limit': BROKER_DELIVERY_LIMIT,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': this.deadLetterQueue(name),
          },
        });
      } finally {
        await channel.close().catch(() => undefined);
      }
    });
  }

  /**
   * Declares a delay tier: a fanout exchange and a quorum queue whose messages all expire after `tierMs` and are
   * dead-lettered (at least once) to the default exchange under the routing key they were published with, which
   * is their work queue's name. One tier serves every job name.
   */
  ensureDelayTier(tierMs: number): Promise<void> {
    return this.once(`delay:${tierMs}`, async (model) => {
      const name = this.delayExchange(tierMs);
      const channel = await model.createChannel();
      try {
        await channel.assertExchange(name, 'fanout', { durable: true });
        await channel.assertQueue(name, {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-message-ttl': tierMs,
            'x-dead-letter-exchange': '',
            'x-dead-letter-strategy': 'at-least-once',
            // at-least-once dead-lettering requires reject-publish overflow; no length limit is set.
            'x-overflow': 'reject-publish',
          },
        });
        await channel.bindQueue(name, name, '');
      } finally {
        await channel.close().catch(() => undefined);
      }
    });
  }

  private once(key: string, declare: (model: ChannelModel) => Promise<void>): Promise<void> {
    const known = this.declared.get(key);
    if (known) return known;
    const declaring = this.whenConnected().then(declare);
    this.declared.set(key, declaring);
    declaring.catch(() => this.declared.delete(key));
    return declaring;
  }
}
