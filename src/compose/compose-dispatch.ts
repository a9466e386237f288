import { InProcessReplyChannel } from '../adapters/reply-channel/in-process/index.js';
import type { Config } from '../config/config-schema.js';
import { parseChatRequest } from '../http/request-schemas.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import type { ReplyChannel } from '../ports/reply-channel.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import { makeDispatchChat } from '../services/dispatch-chat.js';
import type { RouteTable } from '../services/route-table.js';
import { makeRunQueuedChat } from '../services/run-queued-chat.js';

export interface DispatchCompositionDeps {
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  routeTable: Pick<RouteTable, 'current'>;
  queue: Pick<JobQueue, 'enqueue'>;
  apiKeys: Pick<ApiKeyStore, 'getApiKey'>;
  clock: Clock;
  random: Random;
  logError(message: string, error: unknown): void;
}

async function openReplyChannel(
  config: Config,
  logError: DispatchCompositionDeps['logError'],
): Promise<ReplyChannel> {
  if (config.queue.kind !== 'rabbitmq') return new InProcessReplyChannel();
  // Loaded only when chosen, like the queue's adapter; it connects on first use, so a process that never
  // dispatches nor answers a queued request holds no connection for it.
  const { RabbitMqReplyChannel } = await import('../adapters/reply-channel/rabbitmq/index.js');
  return new RabbitMqReplyChannel({ url: config.queue.url ?? '', prefix: config.queue.prefix, logError });
}

/**
 * Queued dispatch: `dispatchChat` (what `/v1/chat/completions` calls: direct routes run here, queued ones go to a
 * worker) and `runQueuedChat` (the worker's side of the `inference.chat` job), over the reply channel chosen by
 * `queue.kind`: in memory in the embedded mode (the workers run in the API process), a RabbitMQ reply queue per
 * process in the scale-out mode.
 * @example const dispatching = await composeDispatch(config, { completeChat, routeTable, queue, apiKeys: store, clock, random, logError });
 */
export async function composeDispatch(config: Config, deps: DispatchCompositionDeps) {
  const replies = await openReplyChannel(config, deps.logError);
  const settings = config.queue.dispatch;
  return {
    dispatchChat: makeDispatchChat({
      completeChat: deps.completeChat,
      routeTable: deps.routeTable,
      queue: deps.queue,
      replies,
      clock: deps.clock,
      random: deps.random,
      settings,
    }),
    runQueuedChat: makeRunQueuedChat({
      completeChat: deps.completeChat,
      apiKeys: deps.apiKeys,
      replies,
      parseRequest: parseChatRequest,
      clock: deps.clock,
      random: deps.random,
      heartbeatMs: settings.heartbeatMs,
      logError: deps.logError,
    }),
    /** Ends the reply channel: requests still waiting on it fail, runs still sending stop. */
    close: () => replies.close(),
  };
}
