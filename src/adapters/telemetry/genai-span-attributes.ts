import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type { AttemptRecord, Endpoint, InteractionRecord } from '../../core/interaction.js';
import { GEN_AI, SLIPWAY } from './genai-conventions.js';

/** The host and port an upstream is reached at, for server.address and server.port. */
export interface ServerAddress {
  address: string;
  port: number;
}

/** Where a provider's upstream lives; null when it has none (the built-in offline models) or is unknown. */
export type ServerAddressOf = (providerId: string) => ServerAddress | null;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberField(fields: Fields, name: string): number | undefined {
  const value = fields[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringField(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Sets only the attributes that have a value: the conventions ask to omit what is unknown rather than send null. */
function definedOnly(attributes: Record<string, Attributes[string]>): Attributes {
  const defined: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) defined[name] = value;
  return defined;
}

/** gen_ai.operation.name of an endpoint. */
function operationNameOf(endpoint: Endpoint): 'chat' | 'embeddings' {
  switch (endpoint) {
    case 'chat.completions':
      return 'chat';
    case 'embeddings':
      return 'embeddings';
  }
}

/** The span name the conventions give: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function interactionSpanName(record: InteractionRecord): string {
  return `${operationNameOf(record.endpoint)} ${record.modelRequested}`;
}

/** An attempt's span is named after the upstream model it called. */
export function attemptSpanName(record: InteractionRecord, attempt: AttemptRecord): string {
  return `${operationNameOf(record.endpoint)} ${attempt.model}`;
}

/** The provider that served the interaction, else the one tried last; undefined when none was tried. */
export function providerOf(record: InteractionRecord): string | undefined {
  if (record.target !== null) return record.target.slice(0, record.target.indexOf('/'));
  return record.attempts.at(-1)?.providerId;
}

/** The request parameters the conventions name, read from the body the client sent. */
export function requestAttributes(request: unknown): Attributes {
  if (!isFields(request)) return {};
  const stop = request['stop'];
  const stopSequences =
    typeof stop === 'string'
      ? [stop]
      : Array.isArray(stop) && stop.every((item) => typeof item === 'string')
        ? (stop as string[])
        : undefined;
  const choices = numberField(request, 'n');
  const encodingFormat = stringField(request, 'encoding_format');
  return definedOnly({
    [GEN_AI.requestMaxTokens]:
      numberField(request, 'max_completion_tokens') ?? numberField(request, 'max_tokens'),
    [GEN_AI.requestTemperature]: numberField(request, 'temperature'),
    [GEN_AI.requestTopP]: numberField(request, 'top_p'),
    [GEN_AI.requestSeed]: numberField(request, 'seed'),
    [GEN_AI.requestFrequencyPenalty]: numberField(request, 'frequency_penalty'),
    [GEN_AI.requestPresencePenalty]: numberField(request, 'presence_penalty'),
    [GEN_AI.requestStopSequences]: stopSequences,
    // The conventions ask for the choice count only when it is not 1.
    [GEN_AI.requestChoiceCount]: choices === undefined || choices === 1 ? undefined : choices,
    [GEN_AI.requestEncodingFormats]: encodingFormat === undefined ? undefined : [encodingFormat],
  });
}

/** Response id, model, finish reasons and embedding dimensions, read from the (assembled) response body. */
export function responseAttributes(response: unknown): Attributes {
  if (!isFields(response)) return {};
  const choices = Array.isArray(response['choices']) ? (response['choices'] as unknown[]) : [];
  const finishReasons = choices
    .map((choice) => (isFields(choice) ? stringField(choice, 'finish_reason') : undefined))
    .filter((reason) => reason !== undefined);
  const dimensions = numberField(response, 'dimensions');
  return definedOnly({
    [GEN_AI.responseId]: stringField(response, 'id'),
    [GEN_AI.responseModel]: stringField(response, 'model'),
    [GEN_AI.responseFinishReasons]: finishReasons.length > 0 ? finishReasons : undefined,
    [GEN_AI.embeddingsDimensionCount]: dimensions,
  });
}

function serverAttributes(providerId: string | undefined, serverAddressOf: ServerAddressOf): Attributes {
  const server = providerId === undefined ? null : serverAddressOf(providerId);
  return server === null ? {} : { [ATTR_SERVER_ADDRESS]: server.address, [ATTR_SERVER_PORT]: server.port };
}

function usageAttributes(record: InteractionRecord): Attributes {
  return {
    [GEN_AI.usageInputTokens]: record.promptTokens,
    [GEN_AI.usageOutputTokens]: record.completionTokens,
  };
}

/**
 * The attributes of an interaction's span: the GenAI conventions' ones (the request model is the public name the
 * client asked for) and Slipway's own. No message text: that is `genAiContentAttributes`' job, and only when
 * content capture is on.
 */
export function interactionSpanAttributes(
  record: InteractionRecord,
  serverAddressOf: ServerAddressOf,
): Attributes {
  const provider = providerOf(record);
  return definedOnly({
    [GEN_AI.operationName]: operationNameOf(record.endpoint),
    [GEN_AI.providerName]: provider,
    [GEN_AI.system]: provider,
    [GEN_AI.requestModel]: record.modelRequested,
    [GEN_AI.requestStream]: record.stream,
    ...requestAttributes(record.request),
    ...responseAttributes(record.response),
    ...usageAttributes(record),
    ...serverAttributes(record.target === null ? undefined : provider, serverAddressOf),
    [GEN_AI.responseTimeToFirstChunk]: record.ttftMs === null ? undefined : record.ttftMs / 1000,
    [ATTR_ERROR_TYPE]: record.status === 'success' ? undefined : (record.errorCode ?? '_OTHER'),
    [SLIPWAY.interactionId]: record.id,
    [SLIPWAY.projectId]: record.projectId,
    [SLIPWAY.apiKeyId]: record.apiKeyId,
    [SLIPWAY.endUser]: record.endUser ?? undefined,
    [SLIPWAY.target]: record.target ?? undefined,
    [SLIPWAY.status]: record.status,
    [SLIPWAY.costUsd]: record.costUsd,
    [SLIPWAY.attempts]: record.attempts.length,
    [SLIPWAY.ttftMs]: record.ttftMs ?? undefined,
    [SLIPWAY.variant]: record.variant ?? undefined,
    [SLIPWAY.promptName]: record.promptName ?? undefined,
    [SLIPWAY.promptVersion]: record.promptVersion ?? undefined,
    [SLIPWAY.batchId]: record.batchId ?? undefined,
  });
}

/**
 * The attributes of one upstream attempt's span: the model is the upstream's model name, the provider and
 * server the target's. The attempt that served the interaction also carries the response and the usage.
 */
export function attemptSpanAttributes(
  record: InteractionRecord,
  attempt: AttemptRecord,
  serverAddressOf: ServerAddressOf,
): Attributes {
  const served = attempt.status === 'success' && record.target === `${attempt.providerId}/${attempt.model}`;
  return definedOnly({
    [GEN_AI.operationName]: operationNameOf(record.endpoint),
    [GEN_AI.providerName]: attempt.providerId,
    [GEN_AI.system]: attempt.providerId,
    [GEN_AI.requestModel]: attempt.model,
    [GEN_AI.requestStream]: record.stream,
    ...(served ? { ...responseAttributes(record.response), ...usageAttributes(record) } : {}),
    ...serverAttributes(attempt.providerId, serverAddressOf),
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: attempt.upstreamStatus ?? undefined,
    [GEN_AI.responseTimeToFirstChunk]: attempt.ttftMs === null ? undefined : attempt.ttftMs / 1000,
    [ATTR_ERROR_TYPE]: attempt.status === 'success' ? undefined : (attempt.errorCode ?? '_OTHER'),
    [SLIPWAY.interactionId]: record.id,
    [SLIPWAY.attemptIndex]: attempt.index,
  });
}

/**
 * The attributes of the GenAI metrics: few and bounded, as each distinct set is a time series. `requestModel` is
 * the public model name, already replaced by `(unknown)` when no route names it.
 */
export function genAiMetricAttributes(record: InteractionRecord, requestModel: string): Attributes {
  const provider = providerOf(record);
  const response = responseAttributes(record.response);
  return definedOnly({
    [GEN_AI.operationName]: operationNameOf(record.endpoint),
    [GEN_AI.providerName]: provider,
    [GEN_AI.requestModel]: requestModel,
    [GEN_AI.responseModel]: response[GEN_AI.responseModel],
  });
}
