import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';

/**
 * One AMQP connection that comes back after it is lost: amqplib's recovery reconnects with a doubling, jittered
 * delay, and every listener given to `onConnect` runs on each new connection to open its channels again
 * (channels, consumers and their delivery tags die with a connection).
 */
export class RabbitMqConnection {
  private current: ChannelModel | null = null;
  private readonly waiters: Array<{
    resolve: (model: ChannelModel) => void;
    reject: (error: Error) => void;
  }> = [];
  private closed = false;
  private readonly listeners = new Set<(model: ChannelModel) => Promise<void>>();

  private constructor(
    private readonly recovering: RecoveringChannelModel,
    private readonly logError: (message: string, error: unknown) => void,
  ) {
    recovering.on('connect', (model: ChannelModel) => {
      this.current = model;
      for (const waiter of this.waiters.splice(0)) waiter.resolve(model);
      for (const listener of this.listeners) this.run(listener, model);
    });
    recovering.on('disconnect', (error: Error) => {
      this.current = null;
      logError('RabbitMQ connection lost; reconnecting', error);
    });
    recovering.on('error', (error: Error) => logError('RabbitMQ connection error', error));
  }

  /** Connects, failing at once (no retry) when the broker cannot be reached at start-up. */
  static async open(options: {
    url: string;
    reconnect: { baseMs: number; maxMs: number };
    logError: (message: string, error: unknown) => void;
  }): Promise<RabbitMqConnection> {
    const recovering = await connect(options.url, {
      // amqplib leaves Nagle's algorithm on: a lone publish or ack then waits for the peer's delayed ACK, which
      // added about 30 ms to every job of a quiet queue here (bench:queue, paced).
      noDelay: true,
      recovery: {
        initialDelay: options.reconnect.baseMs,
        maxDelay: options.reconnect.maxMs,
        initialMaxRetries: 0,
        waitForConnect: false,
      },
    });
    const connection = new RabbitMqConnection(recovering, options.logError);
    try {
      await recovering.waitForConnect();
    } catch (error) {
      await recovering.close().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  /** The live connection, or the next one. */
  whenConnected(): Promise<ChannelModel> {
    if (this.current) return Promise.resolve(this.current);
    if (this.closed) return Promise.reject(new Error('The RabbitMQ connection is closed'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Runs `listener` now if connected, and on every reconnection; returns a function that stops that. */
  onConnect(listener: (model: ChannelModel) => Promise<void>): () => void {
    this.listeners.add(listener);
    if (this.current) this.run(listener, this.current);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    const error = new Error('The RabbitMQ connection is closed');
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    await this.recovering.close();
  }

  private run(listener: (model: ChannelModel) => Promise<void>, model: ChannelModel): void {
    listener(model).catch((error: unknown) => {
      // The connection died again while channels were being opened: the next 'connect' runs the listener again.
      this.logError('Opening RabbitMQ channels after connecting failed', error);
    });
  }
}
