import { z } from 'zod';
import type { ChatRequest, EmbeddingRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import { assertJsonDepth } from './json-depth.js';

// Objects are loose: fields Slipway does not know are passed through to the upstream untouched.
const contentPart = z.looseObject({ type: z.string() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(z.looseObject({ id: z.string(), type: z.string(), function: z.looseObject({}) }))
    .optional(),
});
const optionalNumber = (schema: z.ZodNumber) => schema.nullable().optional();

const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: optionalNumber(z.number().int().min(1)),
  max_completion_tokens: optionalNumber(z.number().int().min(1)),
  n: optionalNumber(z.number().int().min(1).max(128)),
  temperature: optionalNumber(z.number().min(0).max(2)),
  top_p: optionalNumber(z.number().min(0).max(1)),
  seed: optionalNumber(z.number().int()),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  user: z.string().max(256).optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  response_format: z
    .looseObject({
      type: z.enum(['text', 'json_object', 'json_schema']),
      json_schema: z.unknown().optional(),
    })
    .nullable()
    .optional(),
});

const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(8192).optional(),
  user: z.string().max(256).optional(),
});

function parseWith<T>(schema: z.ZodType, body: unknown): T {
  assertJsonDepth(body);
  const result = schema.safeParse(body);
  if (result.success) return result.data as T;
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const where = param === undefined ? '' : ` at '${param}'`;
  throw new SlipwayError(
    'invalid_request',
    `Invalid request body${where}: ${issue?.message ?? 'malformed'}`,
    {
      ...(param === undefined ? {} : { param }),
    },
  );
}

/** Validates a chat-completions body once, at the edge. Throws `invalid_request` naming the bad field. */
export function parseChatRequest(body: unknown): ChatRequest {
  return parseWith<ChatRequest>(chatRequestSchema, body);
}

/** Validates an embeddings body once, at the edge. Throws `invalid_request` naming the bad field. */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  return parseWith<EmbeddingRequest>(embeddingRequestSchema, body);
}
