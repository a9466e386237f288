import type { Attributes } from '@opentelemetry/api';
import type { InteractionRecord } from '../../core/interaction.js';
import { GEN_AI } from './genai-conventions.js';

/** A message part of the GenAI conventions' message schema (text, tool call, tool result, or another kind). */
type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string | null; name: string; arguments: string }
  | { type: 'tool_call_response'; id: string | null; response: unknown }
  | { type: string };

interface InputMessage {
  role: string;
  parts: MessagePart[];
}

interface OutputMessage extends InputMessage {
  finish_reason: string;
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The parts of an OpenAI message's content. Parts other than text keep only their type: an image or audio part
 * carries its data inline (base64), which does not belong in a span attribute.
 */
function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isFields).map((part): MessagePart => {
    const partText = text(part['text']);
    if (part['type'] === 'text' && partText !== null) return { type: 'text', content: partText };
    return { type: typeof part['type'] === 'string' ? part['type'] : 'unknown' };
  });
}

function toolCallParts(toolCalls: unknown): MessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isFields).map((call) => {
    const fn = isFields(call['function']) ? call['function'] : {};
    return {
      type: 'tool_call',
      id: text(call['id']),
      name: text(fn['name']) ?? '',
      arguments: text(fn['arguments']) ?? '',
    };
  });
}

function messageOf(message: Fields): InputMessage {
  const role = text(message['role']) ?? 'user';
  if (role === 'tool' || role === 'function') {
    const id = text(message['tool_call_id']);
    return {
      role: 'tool',
      parts: [{ type: 'tool_call_response', id, response: message['content'] ?? null }],
    };
  }
  return { role, parts: [...contentParts(message['content']), ...toolCallParts(message['tool_calls'])] };
}

/** A chat request's messages in the conventions' input-message shape; null for anything else. */
export function inputMessagesOf(request: unknown): InputMessage[] | null {
  if (!isFields(request) || !Array.isArray(request['messages'])) return null;
  return request['messages'].filter(isFields).map(messageOf);
}

/** A chat response's choices in the conventions' output-message shape; null for anything else. */
export function outputMessagesOf(response: unknown): OutputMessage[] | null {
  if (!isFields(response) || !Array.isArray(response['choices'])) return null;
  return response['choices'].filter(isFields).map((choice) => {
    const message = isFields(choice['message'])
      ? messageOf(choice['message'])
      : { role: 'assistant', parts: [] };
    // A stream cut before its last chunk has no finish reason; the conventions require one.
    return { ...message, finish_reason: text(choice['finish_reason']) ?? 'incomplete' };
  });
}

/**
 * gen_ai.input.messages and gen_ai.output.messages as JSON text. `record` MUST already be redacted: whatever text
 * it holds is exported as is.
 */
export function genAiContentAttributes(record: InteractionRecord): Attributes {
  const input = inputMessagesOf(record.request);
  const output = outputMessagesOf(record.response);
  const attributes: Attributes = {};
  if (input !== null) attributes[GEN_AI.inputMessages] = JSON.stringify(input);
  if (output !== null) attributes[GEN_AI.outputMessages] = JSON.stringify(output);
  return attributes;
}
