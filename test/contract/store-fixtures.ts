import type { ApiKeyRecord, Project } from '../../src/core/identity.js';
import type { AttemptRecord, InteractionRecord } from '../../src/core/interaction.js';
import type { CounterCharge } from '../../src/ports/usage-ledger.js';

/** A realistic epoch in ms (2023-11-14), well past 2^32, so that BIGINT handling is exercised. */
export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;

export function aProject(overrides: Partial<Project> = {}): Project {
  return { id: 'prj_1', name: 'Project one', createdAt: T0, retentionDays: null, ...overrides };
}

export function anApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const id = overrides.id ?? 'key_1';
  return {
    id,
    projectId: 'prj_1',
    name: `Key ${id}`,
    role: 'app',
    secretHash: `hash-of-${id}`,
    displayPrefix: 'sk-slw-AbCd',
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    allowedModels: null,
    limits: {},
    ...overrides,
  };
}

export function anAttempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    index: 0,
    providerId: 'openai',
    model: 'gpt-4o-mini',
    startedAt: T0,
    latencyMs: 420,
    ttftMs: null,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    upstreamStatus: 200,
    ...overrides,
  };
}

export function anInteraction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  const startedAt = overrides.startedAt ?? T0;
  return {
    id: 'int_1',
    endpoint: 'chat.completions',
    projectId: 'prj_1',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'chat-default',
    target: 'openai/gpt-4o-mini',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [],
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request: { model: 'chat-default', messages: [{ role: 'user', content: 'Hello' }] },
    response: { id: 'chatcmpl-1', object: 'chat.completion', choices: [] },
    promptTokens: 9,
    completionTokens: 12,
    totalTokens: 21,
    costUsd: 0.0000315,
    latencyMs: 450,
    ttftMs: null,
    startedAt,
    trace: {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentSpanId: null,
      sampled: true,
    },
    attempts: [anAttempt({ startedAt })],
    ...overrides,
  };
}

/** `count` interactions `int_00`, `int_01`, … one millisecond apart, the last one newest. */
export function interactionSeries(
  count: number,
  overrides: (index: number) => Partial<InteractionRecord> = () => ({}),
): InteractionRecord[] {
  return Array.from({ length: count }, (_, index) =>
    anInteraction({
      id: `int_${String(index).padStart(2, '0')}`,
      startedAt: T0 + index,
      ...overrides(index),
    }),
  );
}

export function aCharge(overrides: Partial<CounterCharge> = {}): CounterCharge {
  return {
    counter: 'key:key_1:rpm',
    windowStart: T0,
    windowEnd: T0 + MINUTE,
    limit: 10,
    amount: 1,
    ...overrides,
  };
}
