import { describeReplyChannel } from '../../../../test/contract/reply-channel.contract.js';
import { InProcessReplyChannel } from './in-process-reply-channel.js';

describeReplyChannel('in-process', () => {
  const channel = new InProcessReplyChannel();
  return Promise.resolve({ api: channel, worker: channel, close: () => channel.close() });
});
