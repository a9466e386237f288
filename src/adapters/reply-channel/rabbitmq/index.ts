export { RabbitMqReplyChannel } from './rabbitmq-reply-channel.js';
