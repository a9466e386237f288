import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat.js';
import { ERROR_CODES } from '../core/errors.js';
import type { ReplyFrame } from '../core/reply-frame.js';

const served = {
  interactionId: z.string(),
  target: z.string(),
  attempts: z.int().min(0),
};

// The completion and the chunks were built by the worker from a provider's answer with the gateway's own types;
// only their outline is checked here, as the API process forwards them to the client as they are.
const completion = z.custom<ChatCompletion>(
  (value) =>
    typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices),
);
const chunk = z.custom<ChatCompletionChunk>((value) => typeof value === 'object' && value !== null);

/**
 * A reply frame as it crosses the broker from a worker to an API process (src/core/reply-frame.ts): the
 * receiving side parses every frame with it, so a frame of another release is refused rather than misread.
 */
export const REPLY_FRAME_SCHEMA: z.ZodType<ReplyFrame> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start') }),
  z.object({ kind: z.literal('heartbeat') }),
  z.object({ kind: z.literal('completion'), completion, ...served }),
  z.object({ kind: z.literal('stream'), ...served }),
  z.object({ kind: z.literal('chunk'), chunk }),
  z.object({ kind: z.literal('end') }),
  z.object({
    kind: z.literal('error'),
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      param: z.string().optional(),
      retryAfterMs: z.number().min(0).optional(),
    }),
  }),
]);
