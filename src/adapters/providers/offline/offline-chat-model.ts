import type { ChatRequest, FinishReason, ToolCall, Usage } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { TokenCounter } from '../../../ports/token-counter.js';
import {
  extractAnswer,
  renderJsonAnswer,
  renderTextAnswer,
  type ExtractiveAnswer,
} from './extractive-answer.js';
import { fnv1a32 } from './fnv1a.js';
import { fillSchema } from './schema-filler.js';

/** One choice of an offline completion. */
interface OfflineChoice {
  content: string | null;
  toolCalls: ToolCall[] | undefined;
  finishReason: FinishReason;
  /** The content cut into word-sized pieces (leading whitespace attached), as a stream sends it. */
  pieces: string[];
}

/** What the offline chat model answers to one request; every choice is the same, as the model is deterministic. */
export interface OfflineChatResult {
  choices: OfflineChoice[];
  usage: Usage;
}

const MAX_CHOICES = 128;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, param: string): SlipwayError {
  return new SlipwayError('invalid_request', message, { param });
}

/** Word-sized pieces whose concatenation is exactly the text. */
function splitPieces(text: string): string[] {
  const pieces: string[] = Array.from(text.match(/\s*\S+/g) ?? []);
  const covered = pieces.reduce((length, piece) => length + piece.length, 0);
  if (covered < text.length) pieces.push(text.slice(covered));
  return pieces;
}

function stopSequencesOf(request: ChatRequest): string[] {
  const { stop } = request;
  if (stop === undefined || stop === null) return [];
  const sequences = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(sequences) || sequences.some((sequence) => typeof sequence !== 'string')) {
    throw invalid('`stop` must be a string or an array of strings', 'stop');
  }
  return sequences.filter((sequence) => sequence.length > 0);
}

function cutAtStop(text: string, sequences: readonly string[]): string {
  let end = text.length;
  for (const sequence of sequences) {
    const position = text.indexOf(sequence);
    if (position !== -1 && position < end) end = position;
  }
  return text.slice(0, end);
}

function positiveInteger(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(`\`${param}\` must be a positive integer`, param);
  }
  return value;
}

interface TruncatedText {
  pieces: string[];
  truncated: boolean;
}

/** Keeps whole pieces while the text fits in `limit` tokens, as a model that ran out of tokens would stop. */
function truncateToTokens(
  text: string,
  limit: number | undefined,
  tokenCounter: TokenCounter,
): TruncatedText {
  const pieces = splitPieces(text);
  if (limit === undefined || tokenCounter.countText(text) <= limit) return { pieces, truncated: false };
  const kept: string[] = [];
  let tokens = 0;
  for (const piece of pieces) {
    const pieceTokens = tokenCounter.countText(piece);
    if (tokens + pieceTokens > limit) break;
    kept.push(piece);
    tokens += pieceTokens;
  }
  // Counting pieces apart can differ by a token from counting them joined; the joined count is what is billed.
  while (kept.length > 0 && tokenCounter.countText(kept.join('')) > limit) kept.pop();
  return { pieces: kept, truncated: true };
}

interface ToolDefinition {
  name: string;
  parameters: unknown;
}

function functionTools(request: ChatRequest): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const tool of request.tools ?? []) {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) continue;
    const { name, parameters } = tool.function;
    if (typeof name === 'string') tools.push({ name, parameters });
  }
  return tools;
}

/**
 * The tool the request forces (`tool_choice` naming a function, or `required`), if any. The model never chooses
 * to call a tool on its own: under `auto` it answers in text.
 */
function forcedTool(request: ChatRequest): ToolDefinition | undefined {
  const choice = request.tool_choice;
  const tools = functionTools(request);
  if (choice === 'required') {
    if (tools.length === 0)
      throw invalid('`tool_choice: required` needs at least one function tool', 'tool_choice');
    return tools[0];
  }
  if (!isRecord(choice) || choice.type !== 'function' || !isRecord(choice.function)) return undefined;
  const name = choice.function.name;
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool)
    throw invalid(
      `\`tool_choice\` names a function that is not in \`tools\`: ${String(name)}`,
      'tool_choice',
    );
  return tool;
}

function toolArguments(tool: ToolDefinition, answer: ExtractiveAnswer): string {
  const parameters = tool.parameters;
  if (!isRecord(parameters) || !isRecord(parameters.properties)) return '{}';
  const value = fillSchema(parameters, answer);
  return JSON.stringify(isRecord(value) ? value : {});
}

function renderContent(request: ChatRequest, answer: ExtractiveAnswer): string {
  const format = request.response_format;
  if (format?.type === 'json_object') return renderJsonAnswer(answer);
  if (format?.type === 'json_schema') {
    const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
    return schema === undefined ? renderJsonAnswer(answer) : JSON.stringify(fillSchema(schema, answer));
  }
  return renderTextAnswer(answer);
}

/**
 * Runs the offline extractive chat model: quotes the conversation's best-matching sentences, as text, JSON or a
 * forced tool call, honouring `max_tokens` / `max_completion_tokens`, `stop` and `n`. `seed`, `temperature` and
 * the like change nothing: the answer depends on the messages only.
 * @example runOfflineChat({ model: 'offline-extractive', messages }, tokenCounter).choices[0]?.content
 */
export function runOfflineChat(request: ChatRequest, tokenCounter: TokenCounter): OfflineChatResult {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw invalid('`messages` must be a non-empty array', 'messages');
  }
  const count = positiveInteger(request.n, 'n') ?? 1;
  if (count > MAX_CHOICES) throw invalid(`\`n\` must be at most ${MAX_CHOICES}`, 'n');
  const maxTokens =
    positiveInteger(request.max_completion_tokens, 'max_completion_tokens') ??
    positiveInteger(request.max_tokens, 'max_tokens');
  const stops = stopSequencesOf(request);

  const answer = extractAnswer(request.messages);
  const promptTokens = tokenCounter.countChat(request.messages);
  const tool = forcedTool(request);
  let choice: OfflineChoice;
  let completionTokens: number;
  if (tool) {
    const args = toolArguments(tool, answer);
    const id = `call_offline_${fnv1a32(`${tool.name}\u0000${args}`).toString(16).padStart(8, '0')}`;
    choice = {
      content: null,
      toolCalls: [{ id, type: 'function', function: { name: tool.name, arguments: args } }],
      finishReason: 'tool_calls',
      pieces: [],
    };
    completionTokens = tokenCounter.countText(tool.name) + tokenCounter.countText(args);
  } else {
    const { pieces, truncated } = truncateToTokens(
      cutAtStop(renderContent(request, answer), stops),
      maxTokens,
      tokenCounter,
    );
    const content = pieces.join('');
    choice = { content, toolCalls: undefined, finishReason: truncated ? 'length' : 'stop', pieces };
    completionTokens = tokenCounter.countText(content);
  }
  const choices = Array.from({ length: count }, () => choice);
  return {
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens * count,
      total_tokens: promptTokens + completionTokens * count,
    },
  };
}
