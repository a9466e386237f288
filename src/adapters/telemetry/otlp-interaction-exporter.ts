import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { InteractionRecord } from '../../core/interaction.js';
import type { InteractionSink } from '../../ports/interaction-sink.js';
import { GenAiMetrics } from './genai-metrics.js';
import type { ServerAddress } from './genai-span-attributes.js';
import { PresetIdGenerator } from './preset-id-generator.js';
import { ReportingMetricExporter, ReportingSpanExporter } from './reporting-exporters.js';
import { type TelemetryFailureKind, TelemetryFailureLog } from './telemetry-failure-log.js';
import { writeInteractionSpans } from './write-interaction-spans.js';

export interface OtlpInteractionExporterOptions {
  /** The collector's OTLP/HTTP base URL without a trailing slash; `/v1/traces` and `/v1/metrics` are appended. */
  endpoint: string;
  /** Sent with every export, e.g. an authorization header for a hosted backend. */
  headers: Readonly<Record<string, string>>;
  serviceName: string;
  exportIntervalMs: number;
  /** How long one export may take, retries included, before it counts as failed. */
  timeoutMs: number;
  /** Export message text, taken from `redact(record)` only. */
  captureContent: boolean;
  /** The redaction the interaction log applies before storage: exported text is never more than is stored. */
  redact: (record: InteractionRecord) => InteractionRecord;
  /** Whether a route names this public model; metrics report other names as `(unknown)` to bound their series. */
  isKnownModel: (model: string) => boolean;
  /** A provider's base URL, for server.address and server.port; null when it has none. */
  providerBaseUrl: (providerId: string) => string | null;
  logError: (message: string, error: unknown) => void;
  /** Epoch milliseconds; paces the failure log. */
  now: () => number;
}

interface OtlpExportStats {
  /** Records waiting to be turned into spans and metrics. */
  pending: number;
  /** Records given up because too many were waiting, or handed over after `close`. */
  dropped: number;
  /** Failed exports per signal, and records that could not be turned into telemetry. */
  failures: Readonly<Record<TelemetryFailureKind, number>>;
}

/** An interaction sink that exports each interaction as OpenTelemetry spans and GenAI metrics over OTLP/HTTP. */
export interface OtlpInteractionExporter extends InteractionSink {
  /** Queues the record and returns at once; never throws. */
  record(interaction: InteractionRecord): void;
  stats(): OtlpExportStats;
  /** Exports everything recorded so far; resolves when the collector has answered (or the export timed out). */
  flush(): Promise<void>;
  /** Exports what is left and stops; bounded by the export timeout, so a dead collector cannot hold shutdown. */
  close(): Promise<void>;
}

/** Records held before spans are made from them; beyond this a burst drops records rather than grow memory. */
const MAX_PENDING_RECORDS = 10_000;
/** Records turned into telemetry per event-loop turn, so that a burst does not hold up requests. */
const RECORDS_PER_TURN = 256;
const SPAN_QUEUE_SIZE = 16_384;
const SPAN_BATCH_SIZE = 512;
const SPAN_EXPORT_DELAY_MS = 1_000;
/** Attribute values (message content) longer than this are cut: collectors refuse oversized requests. */
const ATTRIBUTE_VALUE_LENGTH_LIMIT = 65_536;
const FAILURE_LOG_INTERVAL_MS = 60_000;
const CLOSE_MARGIN_MS = 1_000;
const UNKNOWN_MODEL = '(unknown)';

function serverAddressOfUrl(url: string): ServerAddress | null {
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return { address: parsed.hostname, port };
  } catch {
    return null;
  }
}

/**
 * Exports interactions with the official OpenTelemetry JS SDK: a span per interaction carrying the trace and span
 * ids the gateway sent upstream (so the upstream's own spans nest under it), a child span per attempt, and the
 * GenAI client metrics. `record` only queues: spans are made on a later event-loop turn and exported in batches
 * by a BatchSpanProcessor, metrics pushed by a PeriodicExportingMetricReader, so the request path never waits
 * for the collector. Export failures are counted and logged at most once a minute per signal.
 *
 * @example
 * const exporter = createOtlpInteractionExporter({ endpoint: 'http://localhost:4318', … });
 * exporter.record(interaction);
 * await exporter.close();
 */
export function createOtlpInteractionExporter(
  options: OtlpInteractionExporterOptions,
): OtlpInteractionExporter {
  const failures = new TelemetryFailureLog({
    logError: options.logError,
    now: options.now,
    intervalMs: FAILURE_LOG_INTERVAL_MS,
  });
  const resource = defaultResource().merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
  );
  const headers = { ...options.headers };
  const ids = new PresetIdGenerator();
  const spanExporter = new ReportingSpanExporter(
    new OTLPTraceExporter({
      url: `${options.endpoint}/v1/traces`,
      headers,
      timeoutMillis: options.timeoutMs,
    }),
    (error) => failures.report('traces', error),
  );
  const tracerProvider = new BasicTracerProvider({
    resource,
    idGenerator: ids,
    // Sampling was decided when the request arrived (the caller's flag); unsampled records never get here.
    sampler: new AlwaysOnSampler(),
    spanLimits: { attributeValueLengthLimit: ATTRIBUTE_VALUE_LENGTH_LIMIT },
    spanProcessors: [
      new BatchSpanProcessor(spanExporter, {
        maxQueueSize: SPAN_QUEUE_SIZE,
        maxExportBatchSize: SPAN_BATCH_SIZE,
        scheduledDelayMillis: SPAN_EXPORT_DELAY_MS,
        exportTimeoutMillis: options.timeoutMs,
      }),
    ],
  });
  const tracer = tracerProvider.getTracer('slipway');
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new ReportingMetricExporter(
          new OTLPMetricExporter({
            url: `${options.endpoint}/v1/metrics`,
            headers,
            timeoutMillis: options.timeoutMs,
          }),
          (error) => failures.report('metrics', error),
        ),
        exportIntervalMillis: options.exportIntervalMs,
        // The reader refuses a timeout longer than its interval.
        exportTimeoutMillis: Math.min(options.timeoutMs, options.exportIntervalMs),
      }),
    ],
  });
  const metrics = new GenAiMetrics(meterProvider.getMeter('slipway'));

  const addresses = new Map<string, ServerAddress | null>();
  const serverAddressOf = (providerId: string): ServerAddress | null => {
    const url = options.providerBaseUrl(providerId);
    if (url === null) return null;
    let address = addresses.get(url);
    if (address === undefined) {
      address = serverAddressOfUrl(url);
      addresses.set(url, address);
    }
    return address;
  };

  const pending: InteractionRecord[] = [];
  let dropped = 0;
  let scheduled = false;
  let closed = false;

  function redactedOf(record: InteractionRecord): InteractionRecord | null {
    if (!options.captureContent) return null;
    try {
      return options.redact(record);
    } catch (error) {
      // Without the redacted text, the span goes out without content: never with the raw text.
      failures.report('conversion', error);
      return null;
    }
  }

  function convert(record: InteractionRecord): void {
    try {
      writeInteractionSpans({ tracer, ids, record, redacted: redactedOf(record), serverAddressOf });
      const model = options.isKnownModel(record.modelRequested) ? record.modelRequested : UNKNOWN_MODEL;
      metrics.observe(record, model);
    } catch (error) {
      failures.report('conversion', error);
    }
  }

  function convertPending(limit: number): void {
    for (const record of pending.splice(0, limit)) convert(record);
  }

  function convertLater(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      convertPending(RECORDS_PER_TURN);
      if (pending.length > 0) convertLater();
    });
  }

  /**
   * Waits for both signals (allSettled: a failed trace export must not cut short the wait for metrics), at most
   * `timeoutMs`. A failed export needs no handling here: the reporting exporters counted and logged it.
   */
  async function settle(
    work: Promise<PromiseSettledResult<void>[]>,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([work.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') options.logError(`${what} timed out`, new Error(`after ${timeoutMs} ms`));
  }

  return {
    record(interaction) {
      if (closed || pending.length >= MAX_PENDING_RECORDS) {
        dropped += 1;
        return;
      }
      pending.push(interaction);
      convertLater();
    },
    stats() {
      return { pending: pending.length, dropped, failures: failures.totals() };
    },
    async flush() {
      convertPending(pending.length);
      await settle(
        Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]),
        options.timeoutMs + CLOSE_MARGIN_MS,
        'flushing OpenTelemetry export',
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      convertPending(pending.length);
      await settle(
        Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]),
        options.timeoutMs + CLOSE_MARGIN_MS,
        'shutting down OpenTelemetry export',
      );
    },
  };
}
