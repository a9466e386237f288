import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import { PII_ENTITIES } from '../core/redaction/pii-entity.js';
import type { BreakerPolicy, ModelPrice, RetryPolicy, Route, TimeoutPolicy } from '../core/route.js';
import { deepFreeze } from './deep-freeze.js';

/**
 * Every object rejects keys it does not know: a misspelt key silently ignored (`retires:`) is a policy the
 * operator believes is in force and is not. The message lists the keys that are allowed.
 */
function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const expected = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const names = issue.keys.map((key) => `"${key}"`).join(', ');
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${names}; expected one of: ${expected}`;
    },
  });
}

const milliseconds = () => z.int().min(0);
const count = () => z.int().min(1);

const OFFLINE_PROVIDER_ID = 'offline';

const REDACTION_ENTITIES = PII_ENTITIES;

/** uk_nino is opt-in: its pattern also matches some product and order codes. */
const DEFAULT_REDACTION_ENTITIES = REDACTION_ENTITIES.filter((entity) => entity !== 'uk_nino');

/**
 * USD per million tokens for well-known models, keyed by the upstream model name. A `prices` entry in the file
 * with the same name replaces the one here.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Readonly<ModelPrice>>> = deepFreeze({
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  o3: { inputPerMillion: 2, outputPerMillion: 8 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'gpt-3.5-turbo': { inputPerMillion: 0.5, outputPerMillion: 1.5 },
  'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0 },
  'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0 },
  'text-embedding-ada-002': { inputPerMillion: 0.1, outputPerMillion: 0 },
  'offline-extractive': { inputPerMillion: 0, outputPerMillion: 0 },
  'offline-hashed-ngrams': { inputPerMillion: 0, outputPerMillion: 0 },
});

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 2,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  multiplier: 2,
  maxRetryAfterMs: 10_000,
};
const DEFAULT_TIMEOUTS: TimeoutPolicy = { firstTokenMs: 30_000, totalMs: 120_000 };
const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, cooldownMs: 30_000 };

/** Policies are written in full nowhere: `defaults` and each route give only the fields they change. */
const retryOverrideSchema = strictObject({
  maxAttempts: count().optional(),
  initialDelayMs: milliseconds().optional(),
  maxDelayMs: milliseconds().optional(),
  multiplier: z.number().min(1).optional(),
  maxRetryAfterMs: milliseconds().optional(),
});
const timeoutsOverrideSchema = strictObject({
  firstTokenMs: count().optional(),
  totalMs: count().optional(),
});
const breakerOverrideSchema = strictObject({
  failureThreshold: count().optional(),
  cooldownMs: milliseconds().optional(),
});

const defaultsSchema = strictObject({
  retry: retryOverrideSchema.transform((retry): RetryPolicy => ({ ...DEFAULT_RETRY, ...retry })).prefault({}),
  timeouts: timeoutsOverrideSchema
    .transform((timeouts): TimeoutPolicy => ({ ...DEFAULT_TIMEOUTS, ...timeouts }))
    .prefault({}),
  breaker: breakerOverrideSchema
    .transform((breaker): BreakerPolicy => ({ ...DEFAULT_BREAKER, ...breaker }))
    .prefault({}),
});

const serverSchema = strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  // 0 asks the OS for a free port, which tests use.
  port: z.int().min(0).max(65_535).default(8080),
  shutdownGraceMs: milliseconds().default(10_000),
  bodyLimitBytes: count().default(10 * 1024 * 1024),
  /**
   * Whether to take the client's address from `X-Forwarded-For` (sign-in rate limits and the audit log key on it):
   * `true` trusts any proxy, a list only the proxies at those addresses or CIDR ranges. Off by default, because a
   * client reaching Slipway directly could otherwise forge its address.
   */
  trustProxy: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(false),
});

const storeSchema = z.discriminatedUnion(
  'kind',
  [
    strictObject({
      kind: z.literal('sqlite'),
      /** `:memory:` is kept as is; any other path is resolved against the working directory. */
      path: z.string().min(1).nullable().default(null),
    }),
    strictObject({
      kind: z.literal('postgres'),
      url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL'),
      poolSize: count().default(10),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'expected kind "sqlite" or "postgres"' : undefined) },
);

const providerIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'expected letters, digits, ".", "_" or "-" (the id appears in "provider/model" names)',
  );

const providerSchema = z.discriminatedUnion(
  'kind',
  [
    strictObject({ id: providerIdSchema, kind: z.literal('offline') }),
    strictObject({
      id: providerIdSchema,
      kind: z.literal('openai-compatible'),
      // Stored without a trailing slash so adapters can append `/chat/completions`.
      baseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
      apiKey: z.string().min(1).nullable().default(null),
      /** Name of the environment variable holding the key, read at load when `apiKey` is not given. */
      apiKeyEnv: z.string().min(1).nullable().default(null),
      headers: z.record(z.string(), z.string()).default({}),
      /** Upper bound on open connections to this upstream. */
      connections: count().default(128),
      /** Sent as the `api-version` query parameter (Azure OpenAI). */
      apiVersion: z.string().min(1).nullable().default(null),
    }).superRefine((provider, context) => {
      if (provider.apiKey !== null && provider.apiKeyEnv !== null) {
        context.addIssue({
          code: 'custom',
          path: ['apiKeyEnv'],
          message: 'give apiKey or apiKeyEnv, not both',
        });
      }
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? 'expected kind "offline" or "openai-compatible"' : undefined,
  },
);

const targetSchema = strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** Relative share under the `weighted` strategy; ignored by `ordered`. */
  weight: z.number().positive().default(1),
});

const fallbackSchema = strictObject({ provider: z.string().min(1), model: z.string().min(1) });

const routeSchema = strictObject({
  model: z.string().min(1),
  kind: z.enum(['chat', 'embeddings']).default('chat'),
  strategy: z.enum(['ordered', 'weighted']).default('ordered'),
  description: z.string().nullable().default(null),
  targets: z.array(targetSchema).min(1, 'a route needs at least one target'),
  contextFallbacks: z.array(fallbackSchema).default([]),
  retry: retryOverrideSchema.default({}),
  timeouts: timeoutsOverrideSchema.default({}),
  breaker: breakerOverrideSchema.default({}),
  /** `queued`: a worker runs the request and streams it back to this process (`queue.dispatch`); chat only. */
  dispatch: z.enum(['direct', 'queued']).default('direct'),
});

type RouteEntry = z.output<typeof routeSchema>;

const OFFLINE_ROUTES: readonly RouteEntry[] = [
  {
    model: 'offline-extractive',
    kind: 'chat',
    strategy: 'ordered',
    description:
      'Built-in offline model: answers by extracting the most relevant sentences from the conversation. ' +
      'Needs no network, key or GPU.',
    targets: [{ provider: OFFLINE_PROVIDER_ID, model: 'offline-extractive', weight: 1 }],
    contextFallbacks: [],
    retry: {},
    timeouts: {},
    breaker: {},
    dispatch: 'direct',
  },
  {
    model: 'offline-hashed-ngrams',
    kind: 'embeddings',
    strategy: 'ordered',
    description:
      'Built-in offline embeddings from hashed word and character n-grams: deterministic, lexical rather than semantic. ' +
      'Needs no network, key or GPU.',
    targets: [{ provider: OFFLINE_PROVIDER_ID, model: 'offline-hashed-ngrams', weight: 1 }],
    contextFallbacks: [],
    retry: {},
    timeouts: {},
    breaker: {},
    dispatch: 'direct',
  },
];

/** Absent means unlimited. 0 is allowed and blocks (e.g. `spendPerDayUsd: 0` allows only free models). */
const limitSchema = strictObject({
  requestsPerMinute: z.int().min(0).optional(),
  tokensPerMinute: z.int().min(0).optional(),
  spendPerDayUsd: z.number().min(0).optional(),
  spendPerMonthUsd: z.number().min(0).optional(),
});

const priceSchema = strictObject({
  inputPerMillion: z.number().min(0),
  outputPerMillion: z.number().min(0),
});

const loggingSchema = strictObject({
  /** Interactions written per insert. */
  batchSize: count().default(500),
  flushIntervalMs: count().default(250),
  /** Interactions held in memory before further ones spill to disk. */
  bufferLimit: count().default(20_000),
  spillDir: z.string().min(1).nullable().default(null),
}).refine((logging) => logging.bufferLimit >= logging.batchSize, {
  message: 'bufferLimit must be at least batchSize',
  path: ['bufferLimit'],
});

/** OpenTelemetry export: off unless an OTLP/HTTP endpoint is given (SLIPWAY_OTLP_ENDPOINT overrides). */
const telemetrySchema = strictObject({
  otlp: strictObject({
    /** The collector's base URL, e.g. http://localhost:4318; `/v1/traces` and `/v1/metrics` are appended. */
    endpoint: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .nullable()
      .default(null),
    headers: z.record(z.string(), z.string()).default({}),
    serviceName: z.string().min(1).default('slipway'),
    /** How often metrics are pushed; the OpenTelemetry SDK's default. */
    exportIntervalMs: z.int().min(100).default(60_000),
    /** How long one export may take, retries included, before it counts as failed. */
    timeoutMs: z.int().min(100).default(10_000),
    /** Export message text (redacted like the log) as gen_ai.input.messages / gen_ai.output.messages. */
    captureContent: z.boolean().default(false),
  }).prefault({}),
});

/** Sign-in of people to the dashboard: session lifetimes, cookie security, and login attempt limits. */
const authSchema = strictObject({
  /** A session ends this long after sign-in, however active (7 days). */
  sessionTtlMs: count().default(7 * 24 * 60 * 60 * 1000),
  /** A session ends after this long without a request (12 hours). */
  sessionIdleMs: count().default(12 * 60 * 60 * 1000),
  /** Always mark the cookie Secure; otherwise only requests that came over HTTPS get a Secure cookie. */
  secureCookies: z.boolean().default(false),
  /** Failed sign-ins allowed per e-mail address, and per client IP, within `loginWindowMs`. */
  loginFailuresPerEmail: count().default(5),
  loginFailuresPerIp: count().default(20),
  loginWindowMs: count().default(15 * 60 * 1000),
});

/**
 * The durable job queue (issue 4). `embedded` keeps jobs in `<dataDir>/queue.sqlite` and needs nothing else;
 * `rabbitmq` is the scale-out mode, where `slipway api` processes publish and `slipway worker` processes consume.
 */
const queueSchema = strictObject({
  kind: z.enum(['embedded', 'rabbitmq']).default('embedded'),
  /** The broker (SLIPWAY_RABBITMQ_URL overrides); required by `rabbitmq`. */
  url: z
    .string()
    .regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL')
    .nullable()
    .default(null),
  /** Prefixes every exchange and queue name, so that several installations can share one broker. */
  prefix: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/,
      'expected up to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    )
    .default('slipway'),
  /** Deliveries of a job before it is dead-lettered, unless the job sets its own. */
  maxAttempts: count().default(5),
  /** Embedded: how long a claimed job stays invisible to other consumers before it is handed out again. */
  leaseMs: count().default(60_000),
  /** Embedded: how often an idle consumer looks for new jobs. */
  pollIntervalMs: count().default(200),
  /** Delay before a failed job is delivered again: doubling from `baseMs` up to `maxMs`. */
  backoff: strictObject({
    baseMs: count().default(1_000),
    maxMs: count().default(60_000),
  })
    .refine((backoff) => backoff.maxMs >= backoff.baseMs, {
      message: 'maxMs must be at least baseMs',
      path: ['maxMs'],
    })
    .prefault({}),
  /** RabbitMQ: delay between attempts to reconnect after a lost connection, doubling from `baseMs` to `maxMs`. */
  reconnect: strictObject({
    baseMs: count().default(500),
    maxMs: count().default(30_000),
  })
    .refine((reconnect) => reconnect.maxMs >= reconnect.baseMs, {
      message: 'maxMs must be at least baseMs',
      path: ['maxMs'],
    })
    .prefault({}),
  /** RabbitMQ: publishes awaiting the broker's confirm at once (the issue asks for at least 100). */
  confirmWindow: z.int().min(100).default(256),
  /** RabbitMQ: unacknowledged deliveries per channel; each consumer takes at most its concurrency. */
  prefetch: count().default(64),
  /**
   * RabbitMQ: the longest `enqueue` waits for the broker (connecting, declaring, confirming) before it fails with
   * `upstream_unavailable`, so that an API request that enqueues never hangs while the broker is unreachable.
   * Queue statistics and dead-letter listings keep to the same deadline.
   */
  publishTimeoutMs: count().default(10_000),
  /** How the API process hands the requests of `dispatch: queued` routes to workers (`inference.chat` jobs). */
  dispatch: strictObject({
    /**
     * Queued requests one API process lets wait for a worker at once; one more is refused with `rejectWith` and
     * `Retry-After: retryAfterMs`, so that a backlog is shed at the door rather than timed out in the queue.
     */
    maxDepth: count().default(256),
    rejectWith: z.enum(['overloaded', 'rate_limited']).default('overloaded'),
    retryAfterMs: count().default(1_000),
    /** How long a request waits for a worker to start answering it before it fails with `timeout`. */
    jobTimeoutMs: count().default(30_000),
    /** How often a worker tells the API process it is still running a request; 5 silent periods mean it died. */
    heartbeatMs: count().default(1_000),
  }).prefault({}),
}).superRefine((queue, context) => {
  if (queue.kind === 'rabbitmq' && queue.url === null) {
    context.addIssue({
      code: 'custom',
      path: ['url'],
      message: 'kind "rabbitmq" needs url (or SLIPWAY_RABBITMQ_URL)',
    });
  }
});

/** Who consumes the queue: this process (`npm start`, `slipway worker`) and how many jobs of each name at once. */
const workersSchema = strictObject({
  /** Jobs of one name handled at once by one process, by job name; names not listed take `defaultConcurrency`. */
  concurrency: z.record(z.string().min(1), count()).default({}),
  defaultConcurrency: count().default(8),
  /**
   * Whether `slipway start` also runs the workers. Absent: yes with the embedded queue (one process does
   * everything), no with RabbitMQ (run `slipway worker` processes).
   */
  inProcess: z.boolean().nullable().default(null),
  /** How often a worker process records that it is alive; `queue status` counts it live for 3 periods. */
  heartbeatMs: count().default(10_000),
});

/** Prompts as code: which labels only admins may move, and the models prompt tests run against. */
const promptsSchema = strictObject({
  /** Labels that developers may not move and that move only past passing tests (or an admin's override). */
  protectedLabels: z.array(z.string().min(1)).default(['production']),
  /** The chat model tests run on; null: the first chat route the offline provider serves, else the prompt's own. */
  testModel: z.string().min(1).nullable().default(null),
  /** The embeddings model of `similar` assertions; null: the first embeddings route, if any. */
  similarityModel: z.string().min(1).nullable().default(null),
  /** Test cases of one run called at the same time. */
  testConcurrency: z.int().min(1).max(64).default(4),
});

/** The OpenAI Batch API: uploaded files and the background work that runs batches. */
const batchesSchema = strictObject({
  /** Largest file `POST /v1/files` accepts (OpenAI's limit is 200 MB). */
  maxFileBytes: count().default(100 * 1024 * 1024),
  /** Most request lines in one input file (OpenAI's limit). */
  maxFileLines: count().default(50_000),
  /** How often unfinished batches are checked against their completion window's end. */
  expiryCheckMs: count().default(60_000),
});

/** Asymmetric algorithms only: HS* would let anyone holding the public key sign, and `none` signs nothing. */
const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** A public JWK as an identity provider publishes it; symmetric (`oct`) keys are refused for the same reason. */
const publicJwkSchema = z.looseObject({
  kty: z.enum(['RSA', 'EC', 'OKP'], {
    error: 'expected kty RSA, EC or OKP (symmetric "oct" keys are refused)',
  }),
  kid: z.string().min(1).optional(),
});

/** End users' own tokens from the company's identity provider (header `x-slipway-end-user-token`). */
const endUserJwtSchema = strictObject({
  /** The `iss` every token must carry. */
  issuer: z.string().min(1),
  /** The `aud` every token must carry (one of them, when a list). */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Where the provider publishes its keys (fetched and cached); or give `jwks` inline. */
  jwksUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  /** An inline key set `{ keys: [...] }`, instead of `jwksUrl`. */
  jwks: strictObject({ keys: z.array(publicJwkSchema).min(1) })
    .nullable()
    .default(null),
  algorithms: z
    .array(
      z.enum(JWT_ALGORITHMS, {
        error: `expected one of ${JWT_ALGORITHMS.join(', ')} (HS* and "none" are never accepted)`,
      }),
    )
    .min(1)
    .default(['RS256', 'ES256']),
  /** Leeway for `exp` and `nbf` against clock skew, in seconds. */
  clockToleranceSec: z.int().min(0).max(300).default(30),
  /** Which claims carry what; a dotted name reads a nested claim (`realm_access.roles`). */
  claims: strictObject({
    subject: z.string().min(1).default('sub'),
    groups: z.string().min(1).default('groups'),
    roles: z.string().min(1).default('roles'),
    clearance: z.string().min(1).default('clearance'),
  }).prefault({}),
}).superRefine((jwt, context) => {
  if ((jwt.jwksUrl === null) === (jwt.jwks === null)) {
    context.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'give exactly one of jwksUrl and jwks' });
  }
});

/**
 * Retrieval over documents (issue 6): where chunks and their vectors are indexed, and how documents are ingested.
 * `embedded` keeps the index in its own SQLite file; `pgvector` puts it in the PostgreSQL store's database.
 */
const retrievalSchema = strictObject({
  index: z.enum(['embedded', 'pgvector']).default('embedded'),
  /** The embedded index's file; absent: `<dataDir>/vectors.sqlite`. */
  path: z.string().min(1).nullable().default(null),
  /** The embeddings route new collections use; absent: the first embeddings route (the offline one by default). */
  embeddingModel: z.string().min(1).nullable().default(null),
  /** Most tokens in one chunk of a document. */
  chunkTokens: z.int().min(16).max(8_192).default(400),
  /** Tokens a chunk repeats from the end of the one before; at most half of chunkTokens. */
  overlapTokens: z.int().min(0).default(60),
  /** Chunks embedded per embeddings request. */
  embedBatchSize: z.int().min(1).max(2_048).default(64),
  /** Largest upload `POST /api/collections/{name}/documents` accepts (all its files together). */
  maxUploadBytes: count().default(50 * 1024 * 1024),
  /** Classification levels, lowest first; a clearance reaches its own level and every one before it. */
  classificationLevels: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(32)
    .default([...DEFAULT_CLASSIFICATION_LEVELS]),
}).superRefine((retrieval, context) => {
  if (retrieval.overlapTokens * 2 > retrieval.chunkTokens) {
    context.addIssue({
      code: 'custom',
      path: ['overlapTokens'],
      message: 'must be at most half of chunkTokens',
    });
  }
  if (new Set(retrieval.classificationLevels).size !== retrieval.classificationLevels.length) {
    context.addIssue({ code: 'custom', path: ['classificationLevels'], message: 'levels must not repeat' });
  }
});

/** Who is asking: how end users' own tokens are verified (absent: such tokens are refused). */
const identitySchema = strictObject({
  jwt: endUserJwtSchema.nullable().default(null),
});

const configFileSchema = strictObject({
  server: serverSchema.prefault({}),
  dataDir: z.string().min(1).default('./.slipway'),
  /** Normally given by SLIPWAY_ADMIN_KEY rather than written in a file. */
  adminKey: z.string().min(1).nullable().default(null),
  store: storeSchema.prefault({ kind: 'sqlite' }),
  providers: z.array(providerSchema).default([]),
  routes: z.array(routeSchema).default([]),
  defaults: defaultsSchema.prefault({}),
  limits: strictObject({
    perKey: limitSchema.prefault({}),
    perProject: limitSchema.prefault({}),
    perEndUser: limitSchema.prefault({}),
    /** Output tokens a budget reservation assumes when a request sets neither max_completion_tokens nor max_tokens. */
    defaultMaxOutputTokens: count().default(4096),
  }).prefault({}),
  prices: z.record(z.string().min(1), priceSchema).default({}),
  redaction: strictObject({
    enabled: z.boolean().default(true),
    entities: z
      .array(z.enum(REDACTION_ENTITIES))
      .transform((entities) => [...new Set(entities)])
      .default([...DEFAULT_REDACTION_ENTITIES]),
  }).prefault({}),
  logging: loggingSchema.prefault({}),
  /** The job that deletes interactions past each project's retention period (`slipway projects retention`). */
  retention: strictObject({
    sweepIntervalMs: count().default(3_600_000),
    /** Interactions deleted per statement: small enough that no delete holds the write lock for long. */
    batchSize: count().default(1_000),
  }).prefault({}),
  auth: authSchema.prefault({}),
  telemetry: telemetrySchema.prefault({}),
  prompts: promptsSchema.prefault({}),
  queue: queueSchema.prefault({}),
  workers: workersSchema.prefault({}),
  batches: batchesSchema.prefault({}),
  identity: identitySchema.prefault({}),
  retrieval: retrievalSchema.prefault({}),
});

type ConfigFile = z.output<typeof configFileSchema>;

function checkReferences(file: ConfigFile, context: z.RefinementCtx): void {
  const providerIds = new Map<string, number>();
  file.providers.forEach((provider, index) => {
    const first = providerIds.get(provider.id);
    if (first === undefined) providerIds.set(provider.id, index);
    else
      context.addIssue({
        code: 'custom',
        path: ['providers', index, 'id'],
        message: `duplicate provider id "${provider.id}" (first declared at providers[${first}])`,
      });
  });
  const known = new Set([OFFLINE_PROVIDER_ID, ...providerIds.keys()]);
  const declared = [...known].map((id) => `"${id}"`).join(', ');
  const routeModels = new Map<string, number>();
  file.routes.forEach((route, index) => {
    const first = routeModels.get(route.model);
    if (first === undefined) routeModels.set(route.model, index);
    else
      context.addIssue({
        code: 'custom',
        path: ['routes', index, 'model'],
        message: `duplicate route model "${route.model}" (first declared at routes[${first}])`,
      });
    if (route.dispatch === 'queued' && route.kind !== 'chat') {
      context.addIssue({
        code: 'custom',
        path: ['routes', index, 'dispatch'],
        message: 'only chat routes can be queued',
      });
    }
    for (const list of ['targets', 'contextFallbacks'] as const) {
      route[list].forEach((target, targetIndex) => {
        if (known.has(target.provider)) return;
        context.addIssue({
          code: 'custom',
          path: ['routes', index, list, targetIndex, 'provider'],
          message: `unknown provider "${target.provider}" (declared: ${declared})`,
        });
      });
    }
  });
  if (file.retrieval.index === 'pgvector' && file.store.kind !== 'postgres') {
    context.addIssue({
      code: 'custom',
      path: ['retrieval', 'index'],
      message: 'index "pgvector" needs store kind "postgres"',
    });
  }
}

function toRoute(entry: RouteEntry, defaults: ConfigFile['defaults']): Route {
  const route: Route = {
    model: entry.model,
    kind: entry.kind,
    strategy: entry.strategy,
    targets: entry.targets.map((target) => ({
      providerId: target.provider,
      model: target.model,
      weight: target.weight,
    })),
    contextFallbacks: entry.contextFallbacks.map((target) => ({
      providerId: target.provider,
      model: target.model,
      weight: 1,
    })),
    retry: { ...defaults.retry, ...entry.retry },
    timeouts: { ...defaults.timeouts, ...entry.timeouts },
    breaker: { ...defaults.breaker, ...entry.breaker },
  };
  if (entry.description !== null) route.description = entry.description;
  if (entry.dispatch === 'queued') route.dispatch = 'queued';
  return route;
}

/**
 * The configuration file's schema, parsing to the complete configuration: every default filled in, the
 * built-in offline provider and routes added (unless the file declares the same id or model names), route
 * policies merged over `defaults`, prices merged over DEFAULT_PRICES, and the store and spill paths derived
 * from `dataDir` when not given. Paths stay as written: `loadConfig` resolves them against the working
 * directory. `apiKeyEnv` is not read here either (the schema sees no environment).
 */
export const configSchema = configFileSchema.superRefine(checkReferences).transform((file) => {
  const providers = file.providers.some((provider) => provider.id === OFFLINE_PROVIDER_ID)
    ? file.providers
    : [{ id: OFFLINE_PROVIDER_ID, kind: 'offline' as const }, ...file.providers];
  const declaredModels = new Set(file.routes.map((route) => route.model));
  const routes = [...file.routes, ...OFFLINE_ROUTES.filter((route) => !declaredModels.has(route.model))].map(
    (entry) => toRoute(entry, file.defaults),
  );
  const store =
    file.store.kind === 'sqlite'
      ? { kind: 'sqlite' as const, path: file.store.path ?? join(file.dataDir, 'slipway.db') }
      : file.store;
  return {
    ...file,
    store,
    providers,
    routes,
    prices: { ...DEFAULT_PRICES, ...file.prices },
    logging: { ...file.logging, spillDir: file.logging.spillDir ?? join(file.dataDir, 'spill') },
    workers: { ...file.workers, inProcess: file.workers.inProcess ?? file.queue.kind === 'embedded' },
    retrieval: { ...file.retrieval, path: file.retrieval.path ?? join(file.dataDir, 'vectors.sqlite') },
  };
});

/**
 * Read-only all the way down, as `loadConfig` freezes it. Routes keep the core `Route` type so services take
 * them as they are; they are frozen at run time all the same.
 */
type DeepReadonly<T> = T extends Route
  ? T
  : T extends readonly (infer Item)[]
    ? readonly DeepReadonly<Item>[]
    : T extends object
      ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
      : T;

/** The complete, validated configuration the application is composed from. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
