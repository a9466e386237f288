// Exits 0 when the broker completes a real round trip: connect, declare a quorum queue, publish with a confirm,
// get the message back, delete the queue. A broker can accept connections and still hang on any of these.
import amqp from 'amqplib';

// The broker .ci/run starts and the service suites use.
const url = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `slipway-ci-probe-${process.pid}`;
const timer = setTimeout(() => {
  console.error('RabbitMQ probe: no answer within 20 s');
  process.exit(1);
}, 20_000);

try {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await new Promise((resolve, reject) =>
    channel.sendToQueue(queue, Buffer.from('probe'), { persistent: true }, (error) =>
      error ? reject(error) : resolve(undefined),
    ),
  );
  const message = await channel.get(queue, { noAck: true });
  if (message === false) throw new Error('the probe message did not come back');
  await channel.deleteQueue(queue);
  await connection.close();
  clearTimeout(timer);
} catch (error) {
  console.error(`RabbitMQ probe: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
