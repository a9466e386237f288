import type { Histogram, Meter } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { InteractionRecord } from '../../core/interaction.js';
import { GEN_AI, GEN_AI_BUCKETS, GEN_AI_METRICS } from './genai-conventions.js';
import { genAiMetricAttributes } from './genai-span-attributes.js';

/** The GenAI client metrics of the conventions, one observation per interaction. */
export class GenAiMetrics {
  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;
  private readonly timeToFirstChunk: Histogram;

  constructor(meter: Meter) {
    this.tokenUsage = meter.createHistogram(GEN_AI_METRICS.tokenUsage, {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: [...GEN_AI_BUCKETS.tokens] },
    });
    this.duration = meter.createHistogram(GEN_AI_METRICS.operationDuration, {
      unit: 's',
      description: 'GenAI operation duration.',
      advice: { explicitBucketBoundaries: [...GEN_AI_BUCKETS.seconds] },
    });
    this.timeToFirstChunk = meter.createHistogram(GEN_AI_METRICS.timeToFirstChunk, {
      unit: 's',
      description: 'Time to receive the first chunk of a streamed response.',
      advice: { explicitBucketBoundaries: [...GEN_AI_BUCKETS.seconds] },
    });
  }

  /** `requestModel` is the public model name, or `(unknown)` when no route names it (bounded series). */
  observe(record: InteractionRecord, requestModel: string): void {
    const attributes = genAiMetricAttributes(record, requestModel);
    const failed = record.status !== 'success';
    this.duration.record(
      record.latencyMs / 1000,
      failed ? { ...attributes, [ATTR_ERROR_TYPE]: record.errorCode ?? '_OTHER' } : attributes,
    );
    // A failed request usually used no tokens: recording zeros would only drag the distribution down.
    if (!failed || record.promptTokens > 0) {
      this.tokenUsage.record(record.promptTokens, { ...attributes, [GEN_AI.tokenType]: 'input' });
    }
    // Embeddings produce no output tokens.
    if (record.endpoint === 'chat.completions' && (!failed || record.completionTokens > 0)) {
      this.tokenUsage.record(record.completionTokens, { ...attributes, [GEN_AI.tokenType]: 'output' });
    }
    if (record.stream && record.ttftMs !== null) {
      this.timeToFirstChunk.record(record.ttftMs / 1000, attributes);
    }
  }
}
