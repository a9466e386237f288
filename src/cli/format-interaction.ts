import type { AttemptRecord, InteractionRecord } from '../core/interaction.js';
import type { InteractionSummary } from '../ports/interaction-store.js';
import { formatTable } from './format-table.js';
import { formatLatency, formatTime, formatUsd } from './format-values.js';

/*
 * Human views of logged interactions. Request and response bodies are stored as the client and upstream sent
 * them (after redaction), so they are read defensively: any field may be missing or of another shape.
 */

export const INTERACTION_HEADERS = ['TIME', 'ID', 'MODEL', 'TARGET', 'STATUS', 'TOKENS', 'COST', 'LATENCY'];

export function interactionCells(summary: InteractionSummary): string[] {
  return [
    formatTime(summary.startedAt),
    summary.id,
    summary.modelRequested,
    summary.target ?? '-',
    summary.status,
    String(summary.totalTokens),
    formatUsd(summary.costUsd),
    formatLatency(summary.latencyMs),
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      if (!isRecord(part)) return '';
      if (typeof part.text === 'string') return part.text;
      return `[${typeof part.type === 'string' ? part.type : 'part'}]`;
    })
    .filter((text) => text !== '')
    .join('\n');
}

function textOfToolCalls(toolCalls: unknown): string {
  if (!Array.isArray(toolCalls)) return '';
  return toolCalls
    .map((call: unknown) => {
      const fn = isRecord(call) && isRecord(call.function) ? call.function : {};
      const name = typeof fn.name === 'string' ? fn.name : '?';
      const args = typeof fn.arguments === 'string' ? fn.arguments : '';
      return `[tool call] ${name}(${args})`;
    })
    .join('\n');
}

/** The text of one chat message: its content, then any tool calls it makes. */
function textOfMessage(message: Record<string, unknown>): string {
  return [textOfContent(message.content), textOfToolCalls(message.tool_calls)]
    .filter((text) => text !== '')
    .join('\n');
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
}

function requestSection(request: unknown): string {
  if (isRecord(request) && Array.isArray(request.messages)) {
    const messages = request.messages.filter(isRecord).map((message) => {
      const role = typeof message.role === 'string' ? message.role : '?';
      return `  [${role}]\n${indent(textOfMessage(message) || '(empty)', '    ')}`;
    });
    return `Request messages\n${messages.join('\n') || '  (none)'}`;
  }
  if (isRecord(request) && request.input !== undefined) {
    const inputs = Array.isArray(request.input) ? request.input : [request.input];
    const texts = inputs.map((input: unknown) => (typeof input === 'string' ? input : JSON.stringify(input)));
    return `Request input\n${indent(texts.join('\n'))}`;
  }
  return `Request\n${indent(JSON.stringify(request, null, 2) ?? '(none)')}`;
}

function responseText(response: unknown): string | null {
  if (!isRecord(response)) return null;
  if (Array.isArray(response.choices)) {
    const texts = response.choices.filter(isRecord).map((choice) => {
      if (isRecord(choice.message)) return textOfMessage(choice.message);
      return typeof choice.text === 'string' ? choice.text : '';
    });
    return texts.join('\n---\n');
  }
  // A streamed response is stored as the message assembled from its chunks.
  if ('content' in response || 'tool_calls' in response) return textOfMessage(response);
  if (Array.isArray(response.data)) return `${response.data.length} embedding(s)`;
  return null;
}

function responseSection(response: unknown): string {
  if (response === null || response === undefined) return 'Response\n  (none)';
  const text = responseText(response);
  if (text !== null) return `Response\n${indent(text || '(empty)')}`;
  return `Response\n${indent(JSON.stringify(response, null, 2))}`;
}

function attemptsSection(record: InteractionRecord): string {
  if (record.attempts.length === 0) return 'Attempts\n  (none)';
  const rows = record.attempts.map((attempt: AttemptRecord) => [
    `#${attempt.index}`,
    `+${attempt.startedAt - record.startedAt} ms`,
    `${attempt.providerId}/${attempt.model}`,
    attempt.status,
    formatLatency(attempt.latencyMs),
    attempt.upstreamStatus === null ? '' : `HTTP ${attempt.upstreamStatus}`,
    [attempt.errorCode, attempt.errorMessage].filter((part) => part !== null).join(': '),
  ]);
  const table = formatTable(['', 'AT', 'TARGET', 'STATUS', 'LATENCY', 'UPSTREAM', 'ERROR'], rows);
  return `Attempts\n${indent(table.trimEnd())}`;
}

function headerSection(record: InteractionRecord): string {
  const latency =
    record.ttftMs === null
      ? formatLatency(record.latencyMs)
      : `${formatLatency(record.latencyMs)} (first token after ${formatLatency(record.ttftMs)})`;
  const fields: Array<[string, string | null]> = [
    ['Interaction', record.id],
    ['Time', formatTime(record.startedAt)],
    ['Status', record.status],
    ['Error', record.errorCode === null ? null : `${record.errorCode}: ${record.errorMessage ?? ''}`],
    ['Endpoint', record.endpoint],
    ['Model', `${record.modelRequested} → ${record.target ?? '(no target served)'}`],
    ['Project', record.projectId],
    ['Key', record.apiKeyId],
    ['End user', record.endUser],
    ['Stream', record.stream ? 'yes' : 'no'],
    [
      'Tokens',
      `${record.totalTokens} (prompt ${record.promptTokens}, completion ${record.completionTokens})`,
    ],
    ['Cost', formatUsd(record.costUsd)],
    ['Latency', latency],
    ['Variant', record.variant],
    ['Prompt', record.promptName === null ? null : `${record.promptName} v${record.promptVersion ?? '?'}`],
    ['Batch', record.batchId],
    ['Trace', record.trace?.traceId ?? null],
    ['Documents', record.retrievedDocuments.length === 0 ? null : String(record.retrievedDocuments.length)],
  ];
  const present = fields.filter((field): field is [string, string] => field[1] !== null);
  const width = Math.max(...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** The readable view of one interaction: header fields, attempts timeline, request messages, response text. */
export function formatInteraction(record: InteractionRecord): string {
  return `${[headerSection(record), attemptsSection(record), requestSection(record.request), responseSection(record.response)].join('\n\n')}\n`;
}
