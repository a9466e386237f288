/**
 * Names from the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/). They are copied rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`: that entry point may rename or drop experimental names in any
 * minor release (and already marks these as moved to the GenAI conventions repository), and the package's own
 * guidance is to copy the experimental names an instrumentation relies on. Stable names (server.*, error.type,
 * http.*) are imported from the package.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Replaced by gen_ai.provider.name; still sent because many backends only read this one. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestSeed: 'gen_ai.request.seed',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestChoiceCount: 'gen_ai.request.choice.count',
  requestStream: 'gen_ai.request.stream',
  requestEncodingFormats: 'gen_ai.request.encoding_formats',
  responseId: 'gen_ai.response.id',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  embeddingsDimensionCount: 'gen_ai.embeddings.dimension.count',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
} as const;

export const GEN_AI_METRICS = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  /** The client-side time to first token of streamed calls (gen_ai.server.* metrics are for model servers). */
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

/** Bucket boundaries the conventions recommend for each metric. */
export const GEN_AI_BUCKETS = {
  tokens: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
  seconds: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
} as const;

/** Slipway's own attributes, beside the conventions' ones. */
export const SLIPWAY = {
  interactionId: 'slipway.interaction.id',
  projectId: 'slipway.project.id',
  apiKeyId: 'slipway.api_key.id',
  endUser: 'slipway.end_user',
  target: 'slipway.target',
  status: 'slipway.status',
  costUsd: 'slipway.cost_usd',
  attempts: 'slipway.attempts',
  attemptIndex: 'slipway.attempt.index',
  ttftMs: 'slipway.ttft_ms',
  variant: 'slipway.variant',
  promptName: 'slipway.prompt.name',
  promptVersion: 'slipway.prompt.version',
  batchId: 'slipway.batch.id',
} as const;
