/**
 * Turns a stored request or response body (OpenAI chat or embeddings shape, already redacted, but of any shape a
 * client managed to send) into messages and parts the detail page can render as text. Nothing here trusts the
 * body: an unexpected value becomes a `json` part instead of being dropped, so the page never hides data.
 */

export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'image'; url: string; detail: string | null }
  | { kind: 'tool_call'; id: string | null; name: string; arguments: string }
  | { kind: 'json'; label: string; value: unknown };

export interface DisplayMessage {
  role: string;
  /** The participant name, when the message carries one. */
  name: string | null;
  /** For `tool` messages: the call this message answers. */
  toolCallId: string | null;
  parts: MessagePart[];
}

export interface DisplayParameter {
  name: string;
  /** Strings as they are; everything else as compact JSON. */
  value: string;
}

export interface DisplayRequest {
  messages: DisplayMessage[];
  /** Every other top-level field of the body (model, temperature, max_tokens, tools, …), by name. */
  parameters: DisplayParameter[];
}

interface DisplayChoice {
  index: number;
  message: DisplayMessage;
  finishReason: string | null;
}

export interface DisplayResponse {
  choices: DisplayChoice[];
  /** Every other top-level field (id, model, usage, …), or the whole body when it is not a chat completion. */
  fields: DisplayParameter[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A value as one line of text: strings unquoted, the rest as JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

function contentPart(part: unknown, index: number): MessagePart {
  if (typeof part === 'string') return { kind: 'text', text: part };
  if (isObject(part)) {
    if (part.type === 'text' && typeof part.text === 'string') return { kind: 'text', text: part.text };
    if (part.type === 'image_url') {
      const image = part.image_url;
      const url = isObject(image) ? stringOrNull(image.url) : stringOrNull(image);
      if (url !== null) {
        return { kind: 'image', url, detail: isObject(image) ? stringOrNull(image.detail) : null };
      }
    }
  }
  const type = isObject(part) && typeof part.type === 'string' ? part.type : `part ${index + 1}`;
  return { kind: 'json', label: type, value: part };
}

function contentParts(content: unknown): MessagePart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  if (Array.isArray(content)) return content.map(contentPart);
  return [{ kind: 'json', label: 'content', value: content }];
}

function toolCallPart(call: unknown): MessagePart {
  if (isObject(call) && isObject(call.function) && typeof call.function.name === 'string') {
    return {
      kind: 'tool_call',
      id: stringOrNull(call.id),
      name: call.function.name,
      arguments: displayValue(call.function.arguments),
    };
  }
  return { kind: 'json', label: 'tool call', value: call };
}

const MESSAGE_FIELDS = new Set(['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'function_call']);

/** One chat message; fields beyond the known ones (refusal, audio, …) are kept as `json` parts. */
export function flattenMessage(message: unknown): DisplayMessage {
  if (!isObject(message)) {
    return {
      role: 'unknown',
      name: null,
      toolCallId: null,
      parts: [{ kind: 'json', label: 'message', value: message }],
    };
  }
  const parts = contentParts(message.content);
  if (Array.isArray(message.tool_calls)) parts.push(...message.tool_calls.map(toolCallPart));
  // The deprecated single `function_call` has the shape of a tool call's `function`.
  if (message.function_call !== undefined && message.function_call !== null) {
    parts.push(toolCallPart({ function: message.function_call }));
  }
  for (const [name, value] of Object.entries(message)) {
    if (!MESSAGE_FIELDS.has(name) && value !== null && value !== undefined) {
      parts.push({ kind: 'json', label: name, value });
    }
  }
  return {
    role: typeof message.role === 'string' ? message.role : 'unknown',
    name: stringOrNull(message.name),
    toolCallId: stringOrNull(message.tool_call_id),
    parts,
  };
}

function parametersOf(body: JsonObject, skip: ReadonlySet<string>): DisplayParameter[] {
  return Object.entries(body)
    .filter(([name]) => !skip.has(name))
    .map(([name, value]) => ({ name, value: displayValue(value) }))
    .sort((left, right) => left.name.localeCompare(right.name));
}

/** Embeddings inputs are one text, many texts or token arrays; each becomes an `input` message. */
function inputMessages(input: unknown): DisplayMessage[] {
  const items = Array.isArray(input) && input.some((item) => typeof item !== 'number') ? input : [input];
  return items.map((item) => ({
    role: 'input',
    name: null,
    toolCallId: null,
    parts:
      typeof item === 'string'
        ? [{ kind: 'text', text: item }]
        : [{ kind: 'json', label: 'tokens', value: item }],
  }));
}

/** A request body as messages (chat `messages` or embeddings `input`) plus the table of its other parameters. */
export function flattenRequest(request: unknown): DisplayRequest {
  if (!isObject(request)) {
    return {
      messages: [],
      parameters: request === null ? [] : [{ name: 'body', value: displayValue(request) }],
    };
  }
  if (Array.isArray(request.messages)) {
    return {
      messages: request.messages.map(flattenMessage),
      parameters: parametersOf(request, new Set(['messages'])),
    };
  }
  if (request.input !== undefined) {
    return { messages: inputMessages(request.input), parameters: parametersOf(request, new Set(['input'])) };
  }
  return { messages: [], parameters: parametersOf(request, new Set()) };
}

/** A response body as its choices (message, finish reason) plus its other fields; null for no response. */
export function flattenResponse(response: unknown): DisplayResponse | null {
  if (response === null || response === undefined) return null;
  if (!isObject(response)) return { choices: [], fields: [{ name: 'body', value: displayValue(response) }] };
  if (!Array.isArray(response.choices)) return { choices: [], fields: parametersOf(response, new Set()) };
  const choices = response.choices.map((choice: unknown, position: number): DisplayChoice => {
    if (!isObject(choice)) return { index: position, message: flattenMessage(choice), finishReason: null };
    return {
      index: typeof choice.index === 'number' ? choice.index : position,
      message: flattenMessage(choice.message ?? { role: 'assistant', content: choice.text ?? null }),
      finishReason: stringOrNull(choice.finish_reason),
    };
  });
  return { choices, fields: parametersOf(response, new Set(['choices'])) };
}
