import type { Message, Options } from 'amqplib';
import type { DeadLetter, JobDelivery, QueuedJob } from '../../../ports/job-queue.js';

/** What a job carries besides its payload (the message body, JSON) and its id (the AMQP message id). */
export const JOB_HEADERS = {
  name: 'x-slipway-name',
  /** The attempt number of the next delivery, before the broker's own count of returns (x-delivery-count). */
  attempt: 'x-slipway-attempt',
  maxAttempts: 'x-slipway-max-attempts',
  enqueuedAt: 'x-slipway-enqueued-at',
  notBefore: 'x-slipway-not-before',
  reason: 'x-slipway-reason',
  deadLetteredAt: 'x-slipway-dead-lettered-at',
} as const;

/** A job as it travels: the fields of the headers, decoded. */
export interface JobEnvelope {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  enqueuedAt: number;
  notBefore: number | undefined;
}

interface EncodedJob {
  content: Buffer;
  options: Options.Publish;
}

export function envelopeOf(
  job: QueuedJob,
  context: { now: number; defaultMaxAttempts: number },
): JobEnvelope {
  return {
    id: job.id,
    name: job.name,
    payload: job.payload,
    attempt: 1,
    maxAttempts: job.maxAttempts ?? context.defaultMaxAttempts,
    enqueuedAt: context.now,
    notBefore: job.notBefore,
  };
}

/** Persistent (delivery mode 2) and `mandatory`: an unroutable message is returned, not silently confirmed. */
export function encodeJob(envelope: JobEnvelope, extraHeaders: Record<string, unknown> = {}): EncodedJob {
  const headers: Record<string, unknown> = {
    [JOB_HEADERS.name]: envelope.name,
    [JOB_HEADERS.attempt]: envelope.attempt,
    [JOB_HEADERS.maxAttempts]: envelope.maxAttempts,
    [JOB_HEADERS.enqueuedAt]: envelope.enqueuedAt,
    ...extraHeaders,
  };
  if (envelope.notBefore !== undefined) headers[JOB_HEADERS.notBefore] = envelope.notBefore;
  return {
    content: Buffer.from(JSON.stringify(envelope.payload ?? null)),
    options: {
      persistent: true,
      mandatory: true,
      messageId: envelope.id,
      contentType: 'application/json',
      headers,
    },
  };
}

/**
 * Reads a delivered message. The attempt adds the quorum queue's count of returns (a crashed consumer, a lost
 * connection) to ours (failed attempts re-published with a backoff), so a crash counts as an attempt too.
 * Throws when the body is not JSON.
 */
export function decodeJob(message: Message, fallback: { name: string; maxAttempts: number }): JobEnvelope {
  const headers = message.properties.headers ?? {};
  const returns = numberOr(headers['x-delivery-count'], 0);
  const payload: unknown = JSON.parse(message.content.toString('utf8'));
  const notBefore = headers[JOB_HEADERS.notBefore];
  return {
    id: String(message.properties.messageId ?? ''),
    name:
      typeof headers[JOB_HEADERS.name] === 'string' ? (headers[JOB_HEADERS.name] as string) : fallback.name,
    payload,
    attempt: numberOr(headers[JOB_HEADERS.attempt], 1) + returns,
    maxAttempts: numberOr(headers[JOB_HEADERS.maxAttempts], fallback.maxAttempts),
    enqueuedAt: numberOr(headers[JOB_HEADERS.enqueuedAt], 0),
    notBefore: notBefore === undefined ? undefined : numberOr(notBefore, 0),
  };
}

export function deliveryOf(envelope: JobEnvelope): JobDelivery {
  const { id, name, payload, attempt, maxAttempts, enqueuedAt } = envelope;
  return { id, name, payload, attempt, maxAttempts, enqueuedAt };
}

/**
 * A dead letter as listed. Ours carry their reason and time in headers; one the broker dead-lettered itself
 * (its delivery-limit backstop) has only the broker's `x-death` record.
 */
export function decodeDeadLetter(message: Message, name: string): DeadLetter {
  const headers = message.properties.headers ?? {};
  const reason = headers[JOB_HEADERS.reason];
  const death = firstDeath(headers['x-death']);
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch {
    payload = message.content.toString('utf8');
  }
  return {
    id: String(message.properties.messageId ?? ''),
    name: typeof headers[JOB_HEADERS.name] === 'string' ? (headers[JOB_HEADERS.name] as string) : name,
    payload,
    attempts: numberOr(headers[JOB_HEADERS.attempt], death?.count ?? 0),
    reason:
      typeof reason === 'string'
        ? reason
        : `dead-lettered by RabbitMQ (${death?.reason ?? 'unknown reason'})`,
    deadLetteredAt: numberOr(headers[JOB_HEADERS.deadLetteredAt], (death?.timeSeconds ?? 0) * 1000),
  };
}

function firstDeath(value: unknown): { count: number; reason: string; timeSeconds: number } | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const death = value[0] as Record<string, unknown>;
  const time = death.time as { value?: unknown } | undefined;
  return {
    count: numberOr(death.count, 0),
    reason: String(death.reason ?? ''),
    timeSeconds: numberOr(time?.value, 0),
  };
}

function numberOr(value: unknown, fallback: number): number {
  const number = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : fallback;
}
