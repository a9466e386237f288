import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';

/** An OTLP attribute value decoded to plain JavaScript (arrays for arrayValue, numbers for intValue). */
type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface ReceivedDataPoint {
  attributes: Record<string, AttributeValue>;
  count: number;
  sum: number;
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  resource: Record<string, AttributeValue>;
  points: ReceivedDataPoint[];
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A real OTLP/HTTP receiver on a loopback port, decoding the JSON encoding (what the official
 * `@opentelemetry/exporter-*-otlp-http` exporters send) of POST /v1/traces and /v1/metrics.
 */
export interface OtlpReceiver {
  /** The base URL to configure as the OTLP endpoint. */
  url: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  requests: ReceivedRequest[];
  /** Answers every following export with this status (null: 200 again), without keeping what it got. */
  failWith(status: number | null): void;
  /** Polls until `find` returns a value, failing after `timeoutMs`. */
  waitFor<T>(find: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function decodeValue(value: unknown): AttributeValue {
  const any = asObject(value);
  if ('stringValue' in any) return String(any['stringValue']);
  if ('boolValue' in any) return Boolean(any['boolValue']);
  if ('intValue' in any) return Number(any['intValue']);
  if ('doubleValue' in any) return Number(any['doubleValue']);
  if ('arrayValue' in any) return asArray(asObject(any['arrayValue'])['values']).map(decodeValue);
  if ('kvlistValue' in any) return decodeAttributes(asObject(any['kvlistValue'])['values']);
  return null;
}

function decodeAttributes(list: unknown): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const item of asArray(list)) {
    const pair = asObject(item);
    attributes[String(pair['key'])] = decodeValue(pair['value']);
  }
  return attributes;
}

/** Nanoseconds since the epoch (a string or number in OTLP/JSON) as milliseconds. */
function nanosToMs(value: unknown): number {
  return Number(BigInt(String(value ?? 0)) / 1_000_000n);
}

/** OTLP/JSON encodes ids as hex; an empty or absent parent id means a root span. */
function idOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function decodeSpans(body: Json): ReceivedSpan[] {
  return asArray(body['resourceSpans']).flatMap((resourceSpans) => {
    const resource = decodeAttributes(asObject(asObject(resourceSpans)['resource'])['attributes']);
    return asArray(asObject(resourceSpans)['scopeSpans']).flatMap((scopeSpans) => {
      const scope = String(asObject(asObject(scopeSpans)['scope'])['name'] ?? '');
      return asArray(asObject(scopeSpans)['spans']).map((item): ReceivedSpan => {
        const span = asObject(item);
        const status = asObject(span['status']);
        return {
          traceId: String(span['traceId']),
          spanId: String(span['spanId']),
          parentSpanId: idOf(span['parentSpanId']),
          name: String(span['name']),
          kind: Number(span['kind']),
          startMs: nanosToMs(span['startTimeUnixNano']),
          endMs: nanosToMs(span['endTimeUnixNano']),
          attributes: decodeAttributes(span['attributes']),
          status: { code: Number(status['code'] ?? 0), message: String(status['message'] ?? '') },
          resource,
          scope,
        };
      });
    });
  });
}

function decodeMetrics(body: Json): ReceivedMetric[] {
  return asArray(body['resourceMetrics']).flatMap((resourceMetrics) => {
    const resource = decodeAttributes(asObject(asObject(resourceMetrics)['resource'])['attributes']);
    return asArray(asObject(resourceMetrics)['scopeMetrics']).flatMap((scopeMetrics) =>
      asArray(asObject(scopeMetrics)['metrics']).map((item): ReceivedMetric => {
        const metric = asObject(item);
        const data = asObject(metric['histogram'] ?? metric['sum'] ?? metric['gauge']);
        return {
          name: String(metric['name']),
          unit: String(metric['unit'] ?? ''),
          resource,
          points: asArray(data['dataPoints']).map((pointItem) => {
            const point = asObject(pointItem);
            return {
              attributes: decodeAttributes(point['attributes']),
              count: Number(point['count'] ?? 0),
              sum: Number(point['sum'] ?? point['asDouble'] ?? point['asInt'] ?? 0),
            };
          }),
        };
      }),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  return asObject(JSON.parse(text));
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const requests: ReceivedRequest[] = [];
  let failure: number | null = null;

  const server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push({ path, headers: request.headers });
    readBody(request)
      .then((body) => {
        if (failure !== null) {
          response.writeHead(failure, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        if (request.method !== 'POST' || request.headers['content-type'] !== 'application/json') {
          response.writeHead(415).end();
          return;
        }
        if (path === '/v1/traces') spans.push(...decodeSpans(body));
        else if (path === '/v1/metrics') metrics.push(...decodeMetrics(body));
        else {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      })
      .catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metrics,
    requests,
    failWith(status) {
      failure = status;
    },
    async waitFor(find, timeoutMs = 10_000) {
      for (let waited = 0; ; waited += 20) {
        const found = find();
        if (found !== undefined) return found;
        if (waited >= timeoutMs)
          throw new Error(`the OTLP receiver got nothing matching within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
