import { execFileSync } from 'node:child_process';
import { connect } from 'amqplib';

/** The broker the services tests use; SLIPWAY_TEST_RABBITMQ_URL points elsewhere. */
export const RABBITMQ_URL = process.env.SLIPWAY_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A queue and exchange name prefix of its own for one test run. */
export function aRabbitMqPrefix(label: string): string {
  return `slipway-test.${label}.${process.pid}.${Date.now().toString(36)}`;
}

/** The broker's host and port, for a proxy in front of it. */
export function rabbitMqAddress(url: string = RABBITMQ_URL): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5672) };
}

/**
 * Deletes every queue and exchange whose name starts with `prefix`. Lists them with `rabbitmqctl` (the broker's
 * management API is not enabled here), deletes them over AMQP.
 */
export async function deleteRabbitMqPrefix(prefix: string, url: string = RABBITMQ_URL): Promise<void> {
  const names = (kind: 'list_queues' | 'list_exchanges') =>
    execFileSync('rabbitmqctl', ['-q', kind, 'name', '--no-table-headers'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => name.startsWith(`${prefix}.`));
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of names('list_queues')) await channel.deleteQueue(queue);
    for (const exchange of names('list_exchanges')) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}
