import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import {
  type AggregationOption,
  AggregationTemporality,
  AggregationType,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Told the outcome of every export: the SDK's processors only hand failures to a global diagnostic logger. */
export type ExportFailureListener = (error: unknown) => void;

function reportingCallback(
  onFailure: ExportFailureListener,
  resultCallback: (result: ExportResult) => void,
): (result: ExportResult) => void {
  return (result) => {
    if (result.code !== ExportResultCode.SUCCESS) {
      onFailure(result.error ?? new Error('export failed without an error'));
    }
    resultCallback(result);
  };
}

/** A span exporter that tells `onFailure` about each failed export, then behaves as `inner`. */
export class ReportingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onFailure: ExportFailureListener,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, reportingCallback(this.onFailure, resultCallback));
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  async forceFlush(): Promise<void> {
    await this.inner.forceFlush?.();
  }
}

/** A metric exporter that tells `onFailure` about each failed export, then behaves as `inner`. */
export class ReportingMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly onFailure: ExportFailureListener,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, reportingCallback(this.onFailure, resultCallback));
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  // The reader asks its exporter which temporality and aggregation it wants: the answers must be the inner
  // exporter's, and the SDK's defaults when it has no preference.
  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE;
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }
}
