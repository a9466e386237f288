import { describe, expect, it } from 'vitest';
import { configSchema, DEFAULT_PRICES } from './config-schema.js';

function parse(input: unknown) {
  return configSchema.parse(input);
}

function messages(input: unknown): string[] {
  const result = configSchema.safeParse(input);
  if (result.success) throw new Error('expected the configuration to be rejected');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('configSchema', () => {
  it('gives a complete embedded configuration for an empty file', () => {
    const config = parse({});
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      shutdownGraceMs: 10_000,
      bodyLimitBytes: 10_485_760,
      trustProxy: false,
    });
    expect(config.dataDir).toBe('./.slipway');
    expect(config.adminKey).toBeNull();
    expect(config.store).toEqual({ kind: 'sqlite', path: '.slipway/slipway.db' });
    expect(config.providers).toEqual([{ id: 'offline', kind: 'offline' }]);
    expect(config.routes.map((route) => [route.model, route.kind, route.targets])).toEqual([
      ['offline-extractive', 'chat', [{ providerId: 'offline', model: 'offline-extractive', weight: 1 }]],
      [
        'offline-hashed-ngrams',
        'embeddings',
        [{ providerId: 'offline', model: 'offline-hashed-ngrams', weight: 1 }],
      ],
    ]);
    expect(config.routes[0]?.retry).toEqual(config.defaults.retry);
    expect(config.defaults).toEqual({
      retry: {
        maxAttempts: 2,
        initialDelayMs: 100,
        maxDelayMs: 2000,
        multiplier: 2,
        maxRetryAfterMs: 10_000,
      },
      timeouts: { firstTokenMs: 30_000, totalMs: 120_000 },
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
    });
    expect(config.limits).toEqual({
      perKey: {},
      perProject: {},
      perEndUser: {},
      defaultMaxOutputTokens: 4096,
    });
    expect(config.prices).toEqual(DEFAULT_PRICES);
    expect(config.redaction.entities).not.toContain('uk_nino');
    expect(config.redaction.entities).toContain('payment_card');
    expect(config.logging).toEqual({
      batchSize: 500,
      flushIntervalMs: 250,
      bufferLimit: 20_000,
      spillDir: '.slipway/spill',
    });
    expect(config.retention).toEqual({ sweepIntervalMs: 3_600_000, batchSize: 1_000 });
  });

  it('turns routes into core routes with policies merged over the defaults', () => {
    const config = parse({
      providers: [{ id: 'openai', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1/' }],
      defaults: { retry: { maxAttempts: 3 }, breaker: { cooldownMs: 1000 } },
      routes: [
        {
          model: 'smart',
          strategy: 'weighted',
          description: 'the good one',
          targets: [
            { provider: 'openai', model: 'gpt-4o', weight: 3 },
            { provider: 'openai', model: 'gpt-4.1' },
          ],
          contextFallbacks: [{ provider: 'openai', model: 'gpt-4.1' }],
          retry: { initialDelayMs: 5 },
          timeouts: { totalMs: 9000 },
        },
      ],
    });
    const route = config.routes.find((candidate) => candidate.model === 'smart');
    expect(route).toEqual({
      model: 'smart',
      kind: 'chat',
      strategy: 'weighted',
      description: 'the good one',
      targets: [
        { providerId: 'openai', model: 'gpt-4o', weight: 3 },
        { providerId: 'openai', model: 'gpt-4.1', weight: 1 },
      ],
      contextFallbacks: [{ providerId: 'openai', model: 'gpt-4.1', weight: 1 }],
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 2000, multiplier: 2, maxRetryAfterMs: 10_000 },
      timeouts: { firstTokenMs: 30_000, totalMs: 9000 },
      breaker: { failureThreshold: 5, cooldownMs: 1000 },
    });
    expect(config.providers[1]).toEqual({
      id: 'openai',
      kind: 'openai-compatible',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: null,
      apiKeyEnv: null,
      headers: {},
      connections: 128,
      apiVersion: null,
    });
    expect(config.routes.map((candidate) => candidate.model)).toEqual([
      'smart',
      'offline-extractive',
      'offline-hashed-ngrams',
    ]);
  });

  it('lets the file redefine a built-in route and the offline provider', () => {
    const config = parse({
      providers: [{ id: 'offline', kind: 'offline' }],
      routes: [
        { model: 'offline-extractive', targets: [{ provider: 'offline', model: 'offline-hashed-ngrams' }] },
      ],
    });
    expect(config.providers).toEqual([{ id: 'offline', kind: 'offline' }]);
    const builtIns = config.routes.filter((route) => route.model === 'offline-extractive');
    expect(builtIns).toHaveLength(1);
    expect(builtIns[0]?.targets[0]?.model).toBe('offline-hashed-ngrams');
    expect(builtIns[0]?.description).toBeUndefined();
  });

  it('merges file prices over the defaults', () => {
    const config = parse({
      prices: {
        'gpt-4o': { inputPerMillion: 1, outputPerMillion: 2 },
        mine: { inputPerMillion: 0, outputPerMillion: 0 },
      },
    });
    expect(config.prices['gpt-4o']).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(config.prices.mine).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(config.prices['gpt-4o-mini']).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
  });

  it('prices every built-in offline model at zero', () => {
    expect(DEFAULT_PRICES['offline-extractive']).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(DEFAULT_PRICES['offline-hashed-ngrams']).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(Object.isFrozen(DEFAULT_PRICES['gpt-4o'])).toBe(true);
  });

  it('names the allowed keys when it meets an unknown one', () => {
    expect(messages({ server: { prot: 1 } })).toEqual([
      'server: unknown key "prot"; expected one of: host, port, shutdownGraceMs, bodyLimitBytes, trustProxy',
    ]);
    expect(
      messages({ routes: [{ model: 'a', targets: [{ provider: 'offline', model: 'x' }], retires: {} }] })[0],
    ).toMatch(/^routes\.0: unknown key "retires"/);
  });

  it('rejects duplicate provider ids and route models', () => {
    const target = { provider: 'offline', model: 'x' };
    expect(
      messages({
        providers: [
          { id: 'a', kind: 'offline' },
          { id: 'a', kind: 'offline' },
        ],
        routes: [
          { model: 'm', targets: [target] },
          { model: 'm', targets: [target] },
        ],
      }),
    ).toEqual([
      'providers.1.id: duplicate provider id "a" (first declared at providers[0])',
      'routes.1.model: duplicate route model "m" (first declared at routes[0])',
    ]);
  });

  it('rejects targets and context fallbacks naming an undeclared provider', () => {
    expect(
      messages({
        providers: [{ id: 'openai', kind: 'openai-compatible', baseUrl: 'https://api.openai.com/v1' }],
        routes: [
          {
            model: 'm',
            targets: [{ provider: 'opnai', model: 'x' }],
            contextFallbacks: [{ provider: 'anthropic', model: 'y' }],
          },
        ],
      }),
    ).toEqual([
      'routes.0.targets.0.provider: unknown provider "opnai" (declared: "offline", "openai")',
      'routes.0.contextFallbacks.0.provider: unknown provider "anthropic" (declared: "offline", "openai")',
    ]);
  });

  it('rejects an api key given both literally and by variable', () => {
    expect(
      messages({
        providers: [
          { id: 'o', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', apiKeyEnv: 'K' },
        ],
      }),
    ).toEqual(['providers.0.apiKeyEnv: give apiKey or apiKeyEnv, not both']);
  });

  it('rejects unknown kinds, bad values and a route without targets', () => {
    expect(
      messages({
        store: { kind: 'mysql' },
        providers: [{ id: 'x/y', kind: 'offline' }],
        routes: [{ model: 'm', targets: [] }],
        redaction: { entities: ['email', 'passport'] },
        logging: { batchSize: 10, bufferLimit: 5 },
      }),
    ).toEqual([
      'store.kind: expected kind "sqlite" or "postgres"',
      'providers.0.id: expected letters, digits, ".", "_" or "-" (the id appears in "provider/model" names)',
      'routes.0.targets: a route needs at least one target',
      expect.stringMatching(/^redaction\.entities\.1: Invalid option/),
      'logging.bufferLimit: bufferLimit must be at least batchSize',
    ]);
  });

  it('accepts a PostgreSQL store with a default pool size', () => {
    expect(parse({ store: { kind: 'postgres', url: 'postgres://db/slipway' } }).store).toEqual({
      kind: 'postgres',
      url: 'postgres://db/slipway',
      poolSize: 10,
    });
    expect(messages({ store: { kind: 'postgres', url: 'mysql://db' } })).toEqual([
      'store.url: expected a postgres:// or postgresql:// URL',
    ]);
  });
});

describe('configSchema telemetry', () => {
  it('leaves OpenTelemetry export off by default', () => {
    expect(parse({}).telemetry).toEqual({
      otlp: {
        endpoint: null,
        headers: {},
        serviceName: 'slipway',
        exportIntervalMs: 60_000,
        timeoutMs: 10_000,
        captureContent: false,
      },
    });
  });

  it('keeps an OTLP endpoint without its trailing slash and rejects other schemes', () => {
    const otlp = parse({
      telemetry: { otlp: { endpoint: 'http://collector:4318/', headers: { authorization: 'Basic x' } } },
    }).telemetry.otlp;
    expect(otlp).toMatchObject({ endpoint: 'http://collector:4318', headers: { authorization: 'Basic x' } });
    expect(messages({ telemetry: { otlp: { endpoint: 'grpc://collector:4317' } } })).toEqual([
      expect.stringMatching(/^telemetry\.otlp\.endpoint: /),
    ]);
    expect(messages({ telemetry: { otlp: { exportIntervalMs: 5 } } })).toEqual([
      expect.stringMatching(/^telemetry\.otlp\.exportIntervalMs: /),
    ]);
  });
});

describe('configSchema: queue and workers', () => {
  it('defaults to the embedded queue with workers in process', () => {
    const config = parse({});
    expect(config.queue).toEqual({
      kind: 'embedded',
      url: null,
      prefix: 'slipway',
      maxAttempts: 5,
      leaseMs: 60_000,
      pollIntervalMs: 200,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      reconnect: { baseMs: 500, maxMs: 30_000 },
      confirmWindow: 256,
      prefetch: 64,
      publishTimeoutMs: 10_000,
      dispatch: {
        maxDepth: 256,
        rejectWith: 'overloaded',
        retryAfterMs: 1_000,
        jobTimeoutMs: 30_000,
        heartbeatMs: 1_000,
      },
    });
    expect(config.workers).toEqual({
      concurrency: {},
      defaultConcurrency: 8,
      inProcess: true,
      heartbeatMs: 10_000,
    });
  });

  it('queues only the chat routes that ask for it, and refuses queued embeddings', () => {
    const target = { provider: 'offline', model: 'offline-extractive' };
    const config = parse({
      routes: [
        { model: 'queued', targets: [target], dispatch: 'queued' },
        { model: 'direct', targets: [target] },
      ],
    });
    expect(config.routes.find((route) => route.model === 'queued')?.dispatch).toBe('queued');
    expect(config.routes.find((route) => route.model === 'direct')?.dispatch).toBeUndefined();
    const embeddings = configSchema.safeParse({
      routes: [{ model: 'vectors', kind: 'embeddings', targets: [target], dispatch: 'queued' }],
    });
    expect(embeddings.success).toBe(false);
    expect(embeddings.error?.issues[0]).toMatchObject({
      path: ['routes', 0, 'dispatch'],
      message: 'only chat routes can be queued',
    });
  });

  it('runs no workers in process with RabbitMQ unless told to, and needs its url', () => {
    const rabbit = { kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672' };
    expect(parse({ queue: rabbit }).workers.inProcess).toBe(false);
    expect(parse({ queue: rabbit, workers: { inProcess: true } }).workers.inProcess).toBe(true);
    expect(messages({ queue: { kind: 'rabbitmq' } })).toEqual([
      'queue.url: kind "rabbitmq" needs url (or SLIPWAY_RABBITMQ_URL)',
    ]);
  });

  it('refuses a confirm window under 100, a backoff that shrinks and an unknown key', () => {
    expect(messages({ queue: { confirmWindow: 10 } })[0]).toMatch(/^queue\.confirmWindow: /);
    expect(messages({ queue: { backoff: { baseMs: 500, maxMs: 100 } } })).toEqual([
      'queue.backoff.maxMs: maxMs must be at least baseMs',
    ]);
    expect(messages({ workers: { concurency: {} } })[0]).toMatch(/^workers: unknown key "concurency"/);
    expect(messages({ workers: { concurrency: { 'batch.line': 0 } } })[0]).toMatch(
      /^workers\.concurrency\.batch\.line: /,
    );
  });
});
