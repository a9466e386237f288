export { openRabbitMqJobQueue } from './rabbitmq-job-queue.js';
export type { RabbitMqJobQueueOptions } from './rabbitmq-job-queue-options.js';
