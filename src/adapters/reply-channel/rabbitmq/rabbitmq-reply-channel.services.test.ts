import { afterAll } from 'vitest';
import { aRabbitMqPrefix, RABBITMQ_URL } from '../../../../test/reliability/rabbitmq-test-broker.js';
import { describeReplyChannel } from '../../../../test/contract/reply-channel.contract.js';
import { RabbitMqReplyChannel } from './rabbitmq-reply-channel.js';

const prefix = aRabbitMqPrefix('reply-channel');
const opened: RabbitMqReplyChannel[] = [];
const errors: unknown[] = [];

function openChannel(): RabbitMqReplyChannel {
  const channel = new RabbitMqReplyChannel({
    url: RABBITMQ_URL,
    prefix,
    logError: (_message, error) => errors.push(error),
  });
  opened.push(channel);
  return channel;
}

// Exclusive, auto-delete reply queues go with their connections: closing the channels leaves nothing behind.
afterAll(() => Promise.all(opened.map((channel) => channel.close())));

// Two channels, as an API process and a worker process each hold their own connection and reply queue. Without
// a broker the first `open` rejects, so the suite fails rather than skips (CI=true or not).
describeReplyChannel('rabbitmq', () => {
  const api = openChannel();
  const worker = openChannel();
  return Promise.resolve({
    api,
    worker,
    close: async () => {
      await api.close();
      await worker.close();
    },
  });
});
