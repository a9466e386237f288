import { connect } from 'amqplib';

/**
 * The baseline: plain amqplib on the same broker, doing what the adapter does at its core and nothing more. A
 * confirm channel keeps `confirmWindow` persistent messages in flight to a quorum queue while a consumer with
 * `prefetch` acknowledges each message as it arrives. Returns messages per second, first publish to last ack.
 */
export async function measureRawAmqplib(options: {
  url: string;
  queue: string;
  messages: number;
  confirmWindow: number;
  prefetch: number;
}): Promise<number> {
  // The same socket as the adapter's (Nagle off), so that the ratio measures the adapter and not a socket option.
  const connection = await connect(options.url, { noDelay: true });
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(options.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const consumer = await connection.createChannel();
    await consumer.prefetch(options.prefetch);
    let received = 0;
    let resolveAll: () => void = () => undefined;
    const allReceived = new Promise<void>((resolve) => (resolveAll = resolve));
    await consumer.consume(options.queue, (message) => {
      if (!message) return;
      consumer.ack(message);
      received += 1;
      if (received === options.messages) resolveAll();
    });
    const body = Buffer.from(JSON.stringify({ index: 0, text: 'a job payload of a realistic small size' }));
    const started = performance.now();
    let inFlight = 0;
    let wake: () => void = () => undefined;
    for (let index = 0; index < options.messages; index += 1) {
      while (inFlight >= options.confirmWindow) await new Promise<void>((resolve) => (wake = resolve));
      inFlight += 1;
      publisher.publish('', options.queue, body, { persistent: true, messageId: `raw-${index}` }, () => {
        inFlight -= 1;
        wake();
      });
    }
    await publisher.waitForConfirms();
    await allReceived;
    const seconds = (performance.now() - started) / 1000;
    await consumer.close();
    await publisher.deleteQueue(options.queue);
    await publisher.close();
    return options.messages / seconds;
  } finally {
    await connection.close();
  }
}
