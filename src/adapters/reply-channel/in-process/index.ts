export { InProcessReplyChannel } from './in-process-reply-channel.js';
